import type { Redis } from 'ioredis';
import type { z } from 'zod';

/**
 * Every JSON record under keys matching `pattern` that matches its schema (heartbeats,
 * recorded problems). SCAN rather than KEYS, so a large Redis is never blocked; a record that
 * expired, is not JSON or does not match is skipped, the same way for every caller.
 */
export async function scanRecords<T>(redis: Redis, pattern: string, schema: z.ZodType<T>): Promise<T[]> {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, found] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 200);
    cursor = next;
    keys.push(...found);
  } while (cursor !== '0');
  if (keys.length === 0) return [];
  return (await redis.mget(keys)).flatMap((raw) => {
    if (!raw) return [];
    try {
      const parsed = schema.safeParse(JSON.parse(raw));
      return parsed.success ? [parsed.data] : [];
    } catch {
      return [];
    }
  });
}
