import { type KeySpaceSource, type Problem, ProblemSchema, redisKeys } from '@tidings/shared';
import { putRecord, type RecordIndex, readRecords, removeRecord } from './indexed-records.js';
import type { RedisConnection } from './redis.js';

function problemRecords(space: KeySpaceSource): RecordIndex {
  const keys = redisKeys(space);
  return { index: keys.problemIndex, keyOf: keys.problem };
}

/**
 * Problems a process records where `tidings status`, the page and /metrics read them, e.g. a
 * classifier whose model will not load, which exits and so can no longer say so itself.
 * Each has an id (one record per host and kind); it expires unless recorded again, and the
 * process clears it once the problem is gone.
 */
export async function recordProblem(
  redis: RedisConnection,
  space: KeySpaceSource,
  id: string,
  problem: Problem,
  { ttlMs = 7 * 86_400_000 } = {},
): Promise<void> {
  await putRecord(redis, problemRecords(space), id, problem, ttlMs);
}

export async function clearProblem(redis: RedisConnection, space: KeySpaceSource, id: string): Promise<void> {
  await removeRecord(redis, problemRecords(space), id);
}

export function recordedProblems(redis: RedisConnection, space: KeySpaceSource): Promise<Problem[]> {
  return readRecords(redis, problemRecords(space), ProblemSchema);
}
