import { redisKeys, type WorkerHeartbeat, WorkerHeartbeatSchema } from '@tidings/contracts';
import type { Redis } from 'ioredis';
import { scanRecords } from './scan-records.js';

/** The classifier processes whose heartbeat has not expired: the live worker count. */
export function liveWorkers(redis: Redis, prefix: string): Promise<WorkerHeartbeat[]> {
  return scanRecords(redis, redisKeys(prefix).workerHeartbeatPattern, WorkerHeartbeatSchema);
}
