import type { Logger } from 'pino';
import { discardLogs } from './logger.js';

export interface Closable {
  close(): Promise<unknown> | unknown;
}

export interface ShutdownOptions {
  logger: Logger;
  /** After this long the process exits anyway, so a stuck close never keeps it alive. */
  timeoutMs?: number;
  signals?: NodeJS.Signals[];
  exit?: (code: number) => void;
}

/**
 * Closes the given resources in order on SIGTERM/SIGINT (workers first so they hand back or
 * finish their jobs, then queues, then connections) and exits. A second signal exits at once.
 */
export function closeOnSignals(resources: () => Closable[], options: ShutdownOptions): () => Promise<void> {
  const { logger, timeoutMs = 30_000, signals = ['SIGTERM', 'SIGINT'], exit = (code) => process.exit(code) } = options;
  let closing: Promise<void> | undefined;

  const shutdown = (signal?: string): Promise<void> => {
    if (closing) {
      if (signal && signal !== 'disconnect') {
        logger.warn({ signal }, 'second signal: exiting now');
        exit(1);
      }
      return closing;
    }
    logger.info({ signal }, 'shutting down');
    const timer = setTimeout(() => {
      logger.error({ timeoutMs }, 'shutdown timed out: exiting');
      exit(1);
    }, timeoutMs);
    timer.unref();
    closing = (async () => {
      for (const resource of resources()) {
        try {
          await resource.close();
        } catch (err) {
          logger.warn({ err }, 'error while closing');
        }
      }
      clearTimeout(timer);
      logger.info('stopped');
      logger.flush?.();
    })();
    return closing;
  };

  for (const signal of signals) {
    process.on(signal, () => {
      void shutdown(signal).then(() => exit(0));
    });
  }
  // Started by `tidings start` with an IPC channel: if the supervisor dies, stop rather than linger as an orphan.
  if (typeof process.send === 'function') {
    const orphaned = () => {
      // Its logs went to the supervisor: nothing reads them now.
      discardLogs(logger);
      void shutdown('disconnect').then(() => exit(0));
    };
    // A supervisor that died while this service was still starting left no event to wait for.
    if (process.connected) process.once('disconnect', orphaned);
    else orphaned();
  }
  return () => shutdown();
}
