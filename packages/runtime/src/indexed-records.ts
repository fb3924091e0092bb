import type { z } from 'zod';
import type { RedisConnection } from './redis.js';

/**
 * Short-lived JSON records (heartbeats, recorded problems) that readers list often: each is a
 * key of its own with a TTL (expiry on Redis's clock), and its id is in an index set, so
 * listing them reads the index, never SCANs a keyspace that holds every article.
 */
export interface RecordIndex {
  /** The set of ids. */
  index: string;
  /** The key of one record. */
  keyOf: (id: string) => string;
}

export async function putRecord(
  redis: RedisConnection,
  where: RecordIndex,
  id: string,
  value: unknown,
  ttlMs: number,
): Promise<void> {
  await redis.multi().set(where.keyOf(id), JSON.stringify(value), 'PX', ttlMs).sadd(where.index, id).exec();
}

export async function removeRecord(redis: RedisConnection, where: RecordIndex, id: string): Promise<void> {
  await redis.multi().del(where.keyOf(id)).srem(where.index, id).exec();
}

/**
 * Every live record that matches its schema. An id whose record expired leaves the index
 * here; a record that is not JSON or does not match is skipped, the same way for every caller.
 */
export async function readRecords<T>(redis: RedisConnection, where: RecordIndex, schema: z.ZodType<T>): Promise<T[]> {
  const ids = await redis.smembers(where.index);
  if (ids.length === 0) return [];
  const raws = await redis.mget(ids.map(where.keyOf));
  const expired = ids.filter((_, i) => raws[i] === null);
  if (expired.length > 0) await redis.srem(where.index, ...expired);
  return raws.flatMap((raw) => {
    if (!raw) return [];
    try {
      const parsed = schema.safeParse(JSON.parse(raw));
      return parsed.success ? [parsed.data] : [];
    } catch {
      return [];
    }
  });
}
