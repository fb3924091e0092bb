import type { TopicStore } from '@tidings/aggregator';
import type { Run } from '@tidings/shared';
import type { Queue } from 'bullmq';
import { formatProgress, ProgressDisplay, readRunProgress } from './run-progress.js';

export class RunWaitTimeoutError extends Error {
  readonly code = 'TIDINGS_RUN_WAIT_TIMEOUT';
}

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
      const progress = await readRunProgress(deps.aggregateQueue, runId);
      display.update(progress ? formatProgress(progress) : `run ${runId}: waiting for a loader to read the feeds`);
      if (Date.now() > deadline) {
        throw new RunWaitTimeoutError(
          `run ${runId} did not finish within ${Math.round(deps.timeoutMs / 1000)} s; are the loader, classifier and aggregator running?`,
        );
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  } finally {
    display.done();
  }
}
