import { Redis, type RedisOptions } from 'ioredis';

/**
 * An ioredis connection as BullMQ workers need it: commands wait for a reconnect instead of
 * failing after a few retries, so a Redis restart pauses work rather than failing jobs.
 */
export function createRedis(url: string, options: RedisOptions = {}): Redis {
  return new Redis(url, {
    maxRetriesPerRequest: null,
    enableReadyCheck: true,
    retryStrategy: (times) => Math.min(200 * 2 ** Math.min(times, 6), 5_000),
    ...options,
  });
}

/**
 * A connection for SUBSCRIBE only. ioredis's ready check sends INFO, which Redis refuses on a
 * connection already in subscriber mode; without it, (re)subscribing right away is safe.
 */
export function createSubscriber(url: string): Redis {
  return createRedis(url, { enableReadyCheck: false });
}
