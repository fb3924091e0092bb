import { type KeySpaceSource, redisKeys, type WorkerHeartbeat, WorkerHeartbeatSchema } from '@tidings/shared';
import type { Redis } from 'ioredis';
import { type RecordIndex, readRecords } from './indexed-records.js';

export function heartbeatRecords(space: KeySpaceSource): RecordIndex {
  const keys = redisKeys(space);
  return { index: keys.workerIndex, keyOf: keys.workerHeartbeat };
}

/** The classifier processes whose heartbeat has not expired: the live worker count. */
export function liveWorkers(redis: Redis, space: KeySpaceSource): Promise<WorkerHeartbeat[]> {
  return readRecords(redis, heartbeatRecords(space), WorkerHeartbeatSchema);
}
