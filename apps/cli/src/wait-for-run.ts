import { readRunProgress } from '@tidings/run-requests';
import type { RedisConnection } from '@tidings/runtime';
import type { QueueName, Run, WorkerKind } from '@tidings/shared';
import type { TopicStoreReader } from '@tidings/topic-store';
import type { Queue } from 'bullmq';
import { NoWorkerError } from './errors/no-worker-error.js';
import { RunWaitTimeoutError } from './errors/run-wait-timeout-error.js';
import { formatProgress, ProgressDisplay } from './progress-display.js';

/** The kinds of worker a run goes through, in order. */
type RunWorkerKind = Extract<WorkerKind, 'loader' | 'classifier' | 'aggregator'>;

/**
 * How long a run may wait for a kind of worker that is not connected before `run --wait`
 * says so. A stack that was just started is still connecting: a loader in a few seconds, a
 * classifier only once its model is loaded and warmed up.
 */
const NO_WORKER_MS: Record<RunWorkerKind, number> = { loader: 15_000, classifier: 60_000, aggregator: 15_000 };

export interface WaitForRunOptions {
  store: TopicStoreReader;
  queues: Record<QueueName, Queue>;
  client: RedisConnection;
  /** Shown (password masked) when no worker is there to do the work. */
  redis: string;
  timeoutMs: number;
  /** How long a step may lack its kind of worker before waiting is pointless. */
  noWorkerMs?: Partial<Record<RunWorkerKind, number>>;
  display?: ProgressDisplay;
}

/**
 * Polls until the aggregator has written the run, showing progress meanwhile. When no
 * loader (before the run exists) or no classifier (while its articles wait) is connected for
 * a few seconds, it says so at once instead of waiting out the timeout.
 */
export function waitForRun(runId: string, options: WaitForRunOptions): Promise<Run> {
  return waitUntilWritten(runId, () => options.store.run(runId), options);
}

/**
 * The same wait for any run's written outcome: a run's record, or a reclassify run's report
 * (`written` answers null until it is there).
 */
export async function waitUntilWritten<T>(
  runId: string,
  written: () => Promise<T | null>,
  options: WaitForRunOptions,
): Promise<T> {
  const display = options.display ?? new ProgressDisplay();
  const deadline = Date.now() + options.timeoutMs;
  const noWorkerMs = { ...NO_WORKER_MS, ...options.noWorkerMs };
  let missingSince: number | undefined;
  try {
    for (;;) {
      const outcome = await written();
      if (outcome) return outcome;
      // Counts only: reading every child's result on each poll would take CPU from the classifiers.
      const progress = await readRunProgress(options.queues.aggregate, options.client, runId);
      display.update(progress ? formatProgress(progress) : `run ${runId}: waiting for a loader to read the feeds`);
      const needed =
        !progress || progress.feedsRead < progress.feeds
          ? 'loader'
          : progress.classified + progress.failed < progress.total
            ? 'classifier'
            : 'aggregator';
      const queue = {
        loader: progress ? options.queues['read-feed'] : options.queues.feeds,
        classifier: options.queues.classify,
        aggregator: options.queues.aggregate,
      }[needed];
      if ((await queue.getWorkersCount()) > 0) missingSince = undefined;
      else {
        missingSince ??= Date.now();
        if (Date.now() - missingSince >= noWorkerMs[needed]) throw new NoWorkerError(runId, needed, options.redis);
      }
      if (Date.now() > deadline) throw new RunWaitTimeoutError(runId, Math.round(options.timeoutMs / 1000));
      await new Promise((r) => setTimeout(r, 250));
    }
  } finally {
    display.done();
  }
}
