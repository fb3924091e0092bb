import { redisKeys, type WorkerHeartbeat, WorkerHeartbeatSchema } from '@tidings/contracts';
import type { Redis } from 'ioredis';

/** The classifier processes whose heartbeat has not expired: the live worker count. */
export async function liveWorkers(redis: Redis, prefix: string): Promise<WorkerHeartbeat[]> {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, found] = await redis.scan(cursor, 'MATCH', redisKeys(prefix).workerHeartbeatPattern, 'COUNT', 200);
    cursor = next;
    keys.push(...found);
  } while (cursor !== '0');
  if (keys.length === 0) return [];
  const values = await redis.mget(keys);
  return values.flatMap((v) => {
    const parsed = v ? WorkerHeartbeatSchema.safeParse(JSON.parse(v)) : undefined;
    return parsed?.success ? [parsed.data] : [];
  });
}
