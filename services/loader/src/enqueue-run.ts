import { DEFAULT_JOB_OPTIONS, JOB, type LoadJob } from '@tidings/shared';
import type { Queue } from 'bullmq';
import { newManualRunId } from './run-id.js';

/** Asks the loaders for a run now; returns the run's id at once. */
export async function enqueueRun(
  feedsQueue: Queue,
  request: { feeds?: string[]; reclassify?: boolean } = {},
): Promise<string> {
  const runId = newManualRunId();
  const data: LoadJob = { trigger: 'manual', reclassify: request.reclassify ?? false };
  if (request.feeds && request.feeds.length > 0) data.feeds = request.feeds;
  await feedsQueue.add(JOB.load, data, { ...DEFAULT_JOB_OPTIONS.feeds, jobId: runId });
  return runId;
}
