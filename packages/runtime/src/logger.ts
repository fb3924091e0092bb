import fs from 'node:fs';
import { redactRequestPath } from '@tidings/shared';
import { type Logger, pino } from 'pino';

export type { Logger };

export interface LoggerOptions {
  level?: string;
  /** Extra bindings on every line, e.g. { runId }. */
  bindings?: Record<string, unknown>;
  destination?: pino.DestinationStream;
}

interface LoggedRequest {
  method?: string;
  url?: string;
  host?: string;
  ip?: string;
  socket?: { remotePort?: number };
}

function serializeRequest(req: LoggedRequest) {
  return {
    method: req.method,
    url: req.url === undefined ? undefined : redactRequestPath(req.url),
    host: req.host,
    remoteAddress: req.ip,
    remotePort: req.socket?.remotePort,
  };
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
      // Fastify logs every request with this serializer (its own yields to the logger's), and
      // request URLs carry feed keys and `?key=`: what Fastify's would show, redacted.
      serializers: { req: serializeRequest },
    },
    options.destination ?? pino.destination({ sync: false }),
  );
}

/**
 * Sends a logger's lines to /dev/null from now on: for a process whose stdout was read by a
 * supervisor that has died. pino's destination (sonic-boom 4) flushes at exit by retrying a
 * failed write until it succeeds, and a write to a broken pipe never does, so process.exit
 * would never return.
 */
export function discardLogs(logger: Logger): void {
  const stream = (logger as unknown as Record<symbol, { fd?: unknown } | undefined>)[pino.symbols.streamSym];
  if (stream && typeof stream.fd === 'number' && stream.fd >= 0) stream.fd = fs.openSync('/dev/null', 'w');
}
