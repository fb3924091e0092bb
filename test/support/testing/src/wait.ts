import type { Job, JobState, Queue } from 'bullmq';

export async function waitFor<T>(
  check: () => Promise<T | undefined | false> | T | undefined | false,
  { timeoutMs = 20_000, intervalMs = 50, what = 'condition' } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** Waits until a BullMQ job reaches `state`; fails with the state it was stuck in. */
export async function waitForJobState(
  queue: Queue,
  jobId: string,
  state: JobState | 'unknown',
  timeoutMs = 20_000,
): Promise<Job> {
  let last: string = 'missing';
  try {
    return await waitFor(
      async () => {
        last = await queue.getJobState(jobId);
        if (last !== state) return undefined;
        return (await queue.getJob(jobId)) ?? undefined;
      },
      { timeoutMs, what: `job ${jobId} in ${queue.name} to be ${state}` },
    );
  } catch (err) {
    throw new Error(`${(err as Error).message} (last state: ${last})`);
  }
}
