import { Redis, type RedisOptions } from 'ioredis';
import type { Logger } from 'pino';

/**
 * An ioredis connection as BullMQ workers need it: commands wait for a reconnect instead of
 * failing after a few retries, so a Redis restart pauses work rather than failing jobs.
 */
export function createRedis(url: string, options: RedisOptions = {}, logger?: Logger): Redis {
  const redis = new Redis(url, {
    maxRetriesPerRequest: null,
    enableReadyCheck: true,
    retryStrategy: (times) => Math.min(200 * 2 ** Math.min(times, 6), 5_000),
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
export function createSubscriber(url: string, logger?: Logger): Redis {
  return createRedis(url, { enableReadyCheck: false }, logger);
}
