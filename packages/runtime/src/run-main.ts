import { type Config, loadConfig, TidingsError } from '@tidings/shared';
import { createLogger, type Logger } from './logger.js';
import { checkRedisSafety } from './redis-safety.js';
import { type Closable, closeOnSignals } from './shutdown.js';

/**
 * Exit code of a service that cannot start as configured (sysexits' EX_CONFIG): starting it
 * again cannot help, so a supervisor stops everything instead of restarting it.
 */
export const EXIT_CONFIG = 78;

/**
 * Exit code of a service that cannot get what it needs (sysexits' EX_UNAVAILABLE), e.g. a
 * classifier whose model will not load: a supervisor leaves it down (it has recorded the
 * problem where `tidings status` and the page show it) and keeps the rest of the stack up.
 */
export const EXIT_UNAVAILABLE = 69;

/**
 * Runs a process's start-up. An error a user can act on (a TidingsError) ends the process
 * with its one line and the code `exitCodeFor` gives it (1 by default); anything else is a bug,
 * keeps its stack and exits 1.
 */
export function runMain(
  name: string,
  start: () => Promise<void>,
  { exitCodeFor = (_err: TidingsError): number => 1 }: { exitCodeFor?: (err: TidingsError) => number } = {},
): void {
  start().catch((err: unknown) => {
    const line =
      err instanceof TidingsError ? err.message : err instanceof Error ? (err.stack ?? err.message) : String(err);
    process.stderr.write(`tidings ${name}: ${line}\n`);
    process.exit(err instanceof TidingsError ? exitCodeFor(err) : 1);
  });
}

export interface RunningService extends Closable {
  /** Logged with "<name> ready". */
  ready?: Record<string, unknown>;
}

/**
 * A service's main: reads the configuration once, starts the service with its logger, and
 * closes it on SIGTERM/SIGINT (or when its supervisor goes away). A TidingsError at start
 * (a bad setting, a missing token or model, a Redis that evicts) exits with EXIT_CONFIG.
 */
export function runService(name: string, start: (config: Config, logger: Logger) => Promise<RunningService>): void {
  runMain(
    name,
    async () => {
      const config = loadConfig();
      const logger = createLogger(name, { level: config.logLevel });
      // Before any work is taken: an evicting Redis would lose it silently. Like the service
      // itself, the check waits for a Redis that is not up yet.
      await checkRedisSafety(config, logger);
      const service = await start(config, logger);
      logger.info(service.ready ?? {}, `${name} ready`);
      closeOnSignals(() => [service], { logger });
    },
    // A service's supervisor acts on the code: the error's own (a missing model), else EX_CONFIG.
    { exitCodeFor: (err) => err.exitCode ?? EXIT_CONFIG },
  );
}
