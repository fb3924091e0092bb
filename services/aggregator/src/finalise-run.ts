import {
  articleIdOfChild,
  type ClassifyResult,
  ClassifyResultSchema,
  describeZodError,
  type Run,
  type RunFinishedMessage,
  type RunManifest,
  redisKeys,
} from '@tidings/contracts';
import type { Logger } from '@tidings/runtime';
import type { TopicStore } from '@tidings/topic-store';
import type { Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { buildRun } from './build-run.js';
import { writeSnapshot } from './snapshot.js';

export interface FinaliseDeps {
  store: TopicStore;
  publisher: Redis;
  prefix: string;
  dataDir: string;
  windowHours: number;
  labelOrder: string[];
  logger: Logger;
  /** Queues the run's digests for the notifier; returns how many. */
  queueDeliveries: (run: Run) => Promise<number>;
}

export interface FinaliseOutcome {
  run: Run;
  /** False when an earlier attempt (or another aggregator) had already written this run. */
  written: boolean;
}

/**
 * Turns a run's parent job into its record: children's results and failures read from
 * BullMQ, the run written once to the store, then the snapshot files and the
 * "run-finished" message. The last two are repeated on a retry; they are idempotent.
 */
export async function finaliseRun(
  job: Job,
  manifest: RunManifest,
  deps: FinaliseDeps,
  /** Set when the watchdog finalises a run that did not finish in time. */
  byWatchdog?: { reason: string },
): Promise<FinaliseOutcome> {
  const existing = await deps.store.run(manifest.runId);
  let run: Run;
  let written = false;
  if (existing) {
    run = existing;
  } else {
    const values = await job.getChildrenValues();
    const failed = await job.getIgnoredChildrenFailures();
    const failureReasons = new Map(
      Object.entries(failed).map(([key, reason]) => [articleIdOfChild(key, manifest.runId), String(reason)]),
    );
    const results: ClassifyResult[] = [];
    for (const [key, value] of Object.entries(values)) {
      const parsed = ClassifyResultSchema.safeParse(value);
      if (parsed.success) results.push(parsed.data);
      else
        failureReasons.set(
          articleIdOfChild(key, manifest.runId),
          `the classifier returned an unreadable result (${describeZodError(parsed.error)})`,
        );
    }
    run = buildRun({
      manifest,
      results,
      failureReasons,
      finishedAt: new Date(),
      finalisedBy: byWatchdog ? 'watchdog' : 'aggregator',
      reason: byWatchdog?.reason,
      labelOrder: deps.labelOrder,
    });
    written = await deps.store.writeRun(run);
    if (!written) run = (await deps.store.run(manifest.runId)) ?? run;
  }

  const latest = (await deps.store.latestRunId()) === run.id;
  const digest = await deps.store.digest({ hours: deps.windowHours, at: new Date(run.finishedAt) });
  const files = await writeSnapshot(deps.dataDir, { run, digest }, { latest });
  const message: RunFinishedMessage = { type: 'run-finished', runId: run.id, counts: run.counts };
  await deps.publisher.publish(redisKeys(deps.prefix).topicsChannel, JSON.stringify(message));
  const deliveries = await deps.queueDeliveries(run);
  deps.logger.info(
    { runId: run.id, counts: run.counts, written, finalisedBy: run.finalisedBy, snapshot: files.runFile, deliveries },
    written ? 'run finished' : 'run was already written; snapshot and notice repeated',
  );
  return { run, written };
}
