import { type Config, loadConfig, TidingsError } from '@tidings/contracts';
import { createLogger, type Logger } from './logger.js';
import { type Closable, closeOnSignals } from './shutdown.js';

/**
 * Runs a process's start-up. An error a user can act on (a TidingsError) ends the process
 * with its one line and exit code 1; anything else is a bug and keeps its stack.
 */
export function runMain(name: string, start: () => Promise<void>): void {
  start().catch((err: unknown) => {
    const line =
      err instanceof TidingsError ? err.message : err instanceof Error ? (err.stack ?? err.message) : String(err);
    process.stderr.write(`tidings ${name}: ${line}\n`);
    process.exit(1);
  });
}

export interface RunningService extends Closable {
  /** Logged with "<name> ready". */
  ready?: Record<string, unknown>;
}

/**
 * A service's main: reads the configuration once, starts the service with its logger, and
 * closes it on SIGTERM/SIGINT (or when its supervisor goes away).
 */
export function runService(name: string, start: (config: Config, logger: Logger) => Promise<RunningService>): void {
  runMain(name, async () => {
    const config = loadConfig();
    const logger = createLogger(name, { level: config.logLevel });
    const service = await start(config, logger);
    logger.info(service.ready ?? {}, `${name} ready`);
    closeOnSignals(() => [service], { logger });
  });
}
