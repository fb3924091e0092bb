import { type KeySpaceSource, redisKeys, type WorkerHeartbeat, WorkerHeartbeatSchema } from '@tidings/shared';
import { type RecordIndex, readRecords } from './indexed-records.js';
import type { RedisConnection } from './redis.js';

export function heartbeatRecords(space: KeySpaceSource): RecordIndex {
  const keys = redisKeys(space);
  return { index: keys.workerIndex, keyOf: keys.workerHeartbeat };
}

/** The classifier processes whose heartbeat has not expired: the live worker count. */
export function liveWorkers(redis: RedisConnection, space: KeySpaceSource): Promise<WorkerHeartbeat[]> {
  return readRecords(redis, heartbeatRecords(space), WorkerHeartbeatSchema);
}
