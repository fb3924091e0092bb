import { type Run, readRunProgress } from '@tidings/contracts';
import type { TopicStore } from '@tidings/topic-store';
import type { Queue } from 'bullmq';
import { RunWaitTimeoutError } from './errors/run-wait-timeout-error.js';
import { formatProgress, ProgressDisplay } from './progress-display.js';

/** Polls until the aggregator has written the run, showing progress meanwhile. */
export async function waitForRun(
  runId: string,
  deps: { store: TopicStore; aggregateQueue: Queue; timeoutMs: number; display?: ProgressDisplay },
): Promise<Run> {
  const display = deps.display ?? new ProgressDisplay();
  const deadline = Date.now() + deps.timeoutMs;
  try {
    for (;;) {
      const run = await deps.store.run(runId);
      if (run) return run;
      const progress = await readRunProgress(deps.aggregateQueue, runId, { perTopic: true });
      display.update(progress ? formatProgress(progress) : `run ${runId}: waiting for a loader to read the feeds`);
      if (Date.now() > deadline) {
        throw new RunWaitTimeoutError(runId, Math.round(deps.timeoutMs / 1000));
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  } finally {
    display.done();
  }
}
