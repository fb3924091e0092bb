import { type Problem, ProblemSchema, redisKeys } from '@tidings/contracts';
import type { Redis } from 'ioredis';
import { scanRecords } from './scan-records.js';

/**
 * Problems a process records where `tidings status`, the page and /metrics read them, e.g. a
 * classifier whose model will not load, which exits and so can no longer say so itself.
 * Each has an id (one record per host and kind); it expires unless recorded again, and the
 * process clears it once the problem is gone.
 */
export async function recordProblem(
  redis: Redis,
  prefix: string,
  id: string,
  problem: Problem,
  { ttlMs = 7 * 86_400_000 } = {},
): Promise<void> {
  await redis.set(redisKeys(prefix).problem(id), JSON.stringify(problem), 'PX', ttlMs);
}

export async function clearProblem(redis: Redis, prefix: string, id: string): Promise<void> {
  await redis.del(redisKeys(prefix).problem(id));
}

export function recordedProblems(redis: Redis, prefix: string): Promise<Problem[]> {
  return scanRecords(redis, redisKeys(prefix).problemPattern, ProblemSchema);
}
