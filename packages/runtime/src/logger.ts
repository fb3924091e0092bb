import { type Logger, pino } from 'pino';

export type { Logger };

export interface LoggerOptions {
  level?: string;
  /** Extra bindings on every line, e.g. { runId }. */
  bindings?: Record<string, unknown>;
  destination?: pino.DestinationStream;
}

/** pino JSON logs with the service name on every line; pass runId/jobId bindings with `.child()`. */
export function createLogger(service: string, options: LoggerOptions = {}): Logger {
  return pino(
    {
      name: service,
      level: options.level ?? 'info',
      base: { service, pid: process.pid, ...options.bindings },
      redact: {
        paths: ['token', '*.token', 'password', '*.password', 'authorization', '*.authorization'],
        censor: '****',
      },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    options.destination ?? pino.destination({ sync: false }),
  );
}
