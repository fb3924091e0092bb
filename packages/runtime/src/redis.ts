import fs from 'node:fs';
import type { Config } from '@tidings/shared';
import { Redis, type RedisOptions } from 'ioredis';
import type { Logger } from 'pino';

/** Where Redis is: the configuration's `redis` (URL and, for rediss://, a CA to trust), or a bare URL. */
export type RedisTarget = Pick<Config['redis'], 'url' | 'tlsCaFile'> | string;

function tlsOptions(target: RedisTarget): Pick<RedisOptions, 'tls'> {
  if (typeof target === 'string' || !target.tlsCaFile || !target.url.startsWith('rediss:')) return {};
  // ioredis turns on TLS for rediss:// by itself; a private CA only has to be added to it.
  return { tls: { ca: fs.readFileSync(target.tlsCaFile) } };
}

/**
 * An ioredis connection as BullMQ workers need it: commands wait for a reconnect instead of
 * failing after a few retries, so a Redis restart pauses work rather than failing jobs.
 */
export function createRedis(target: RedisTarget, options: RedisOptions = {}, logger?: Logger): Redis {
  const url = typeof target === 'string' ? target : target.url;
  const redis = new Redis(url, {
    maxRetriesPerRequest: null,
    enableReadyCheck: true,
    retryStrategy: (times) => Math.min(200 * 2 ** Math.min(times, 6), 5_000),
    ...tlsOptions(target),
    ...options,
  });
  // ioredis reconnects by itself; the error is worth a log line, not an unhandled-event stack trace.
  if (logger) redis.on('error', (err: Error) => logger.warn({ err: err.message }, 'redis connection error'));
  return redis;
}

/**
 * A connection for SUBSCRIBE only. ioredis's ready check sends INFO, which Redis refuses on a
 * connection already in subscriber mode; without it, (re)subscribing right away is safe.
 */
export function createSubscriber(target: RedisTarget, logger?: Logger): Redis {
  return createRedis(target, { enableReadyCheck: false }, logger);
}
