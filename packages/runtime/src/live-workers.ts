import { redisKeys, type WorkerHeartbeat, WorkerHeartbeatSchema } from '@tidings/shared';
import { type RecordIndex, readRecords } from './indexed-records.js';
import type { RedisConnection } from './redis.js';

export function heartbeatRecords(prefix: string): RecordIndex {
  const keys = redisKeys(prefix);
  return { index: keys.workerIndex, keyOf: keys.workerHeartbeat };
}

/** The classifier processes whose heartbeat has not expired: the live worker count. */
export function liveWorkers(redis: RedisConnection, prefix: string): Promise<WorkerHeartbeat[]> {
  return readRecords(redis, heartbeatRecords(prefix), WorkerHeartbeatSchema);
}
