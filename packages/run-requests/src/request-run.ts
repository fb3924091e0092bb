import {
  BadJobError,
  DEFAULT_JOB_OPTIONS,
  describeZodError,
  JOB,
  newRequestedRunId,
  QUEUE,
  type RunRequestJob,
  RunRequestJobSchema,
  signRunRequestJob,
} from '@tidings/shared';
import type { Queue } from 'bullmq';

export interface RunRequest {
  feeds?: string[];
  reclassify?: boolean;
}

export interface RunRequestOptions {
  /**
   * The host's job-signing key (runtime's jobSigningKey): only the CLI on the loader's host
   * has it, and only a job signed with it may name local files or private addresses.
   */
  signingKey?: Buffer;
}

/**
 * Asks the loaders for a run now; returns the run's id at once. A request the loader would
 * refuse (a feed that is not an http(s) URL, unsigned) throws BadJobError before anything is added.
 */
export async function requestRun(
  runRequestQueue: Queue,
  request: RunRequest = {},
  options: RunRequestOptions = {},
): Promise<string> {
  if (runRequestQueue.name !== QUEUE.runRequests) throw new Error(`requestRun needs the "${QUEUE.runRequests}" queue`);
  const runId = newRequestedRunId();
  const data: RunRequestJob = { trigger: 'manual', reclassify: request.reclassify ?? false };
  if (request.feeds && request.feeds.length > 0) data.feeds = request.feeds;
  if (options.signingKey) data.signature = signRunRequestJob(options.signingKey, runId, data);
  const parsed = RunRequestJobSchema.safeParse(data);
  if (!parsed.success) throw new BadJobError(QUEUE.runRequests, describeZodError(parsed.error));
  await runRequestQueue.add(JOB.startRun, parsed.data, { ...DEFAULT_JOB_OPTIONS[QUEUE.runRequests], jobId: runId });
  return runId;
}
