import type { Logger } from '@tidings/runtime';
import { RUN_RECORD_ARTICLES, type Run, type RunFinishedMessage, type RunManifest, redisKeys } from '@tidings/shared';
import type { RunOwnTopics } from '@tidings/topic-store';
import type { Job } from 'bullmq';
import { type CollectRunDeps, collectRun } from './collect-run.js';
import { writeSnapshot } from './snapshot.js';

/** What finalising a run needs: what collecting it needs (passed on as it is), and the rest. */
export interface FinaliseDeps extends CollectRunDeps {
  /** How long a run's own-topic record is kept (RETENTION_DAYS). */
  retentionMs: number;
  dataDir: string;
  windowHours: number;
  logger: Logger;
  /** Queues the run's digests for the notifier; returns how many. */
  queueDeliveries: (run: Run, ownTopics: RunOwnTopics) => Promise<number>;
}

export interface FinaliseOutcome {
  run: Run;
  /** False when an earlier attempt (or another aggregator) had already written this run. */
  written: boolean;
}

/**
 * Turns a run's parent job into its record: children's results and failures read from
 * BullMQ a page at a time (collectRun), the run written once to the store, then the snapshot
 * files, the "run-finished" message and the deliveries. Those are repeated on a retry; they
 * are idempotent.
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
  let ownTopics: RunOwnTopics;
  let written = false;
  if (existing) {
    run = existing;
    ownTopics = await deps.ownTopicMatches.run(run.id);
  } else {
    ({ run, ownTopics } = await collectRun(job, manifest, deps, {
      finalisedBy: byWatchdog ? 'watchdog' : 'aggregator',
      reason: byWatchdog?.reason,
    }));
    await deps.ownTopicMatches.writeRun(run.id, ownTopics, deps.retentionMs);
    // collectRun wrote every article in its pages; only the record is left.
    written = await deps.store.writeRecord(run);
    if (!written) {
      run = (await deps.store.run(manifest.runId)) ?? run;
      ownTopics = await deps.ownTopicMatches.run(run.id);
    } else {
      // The record is written: the run's working copies are no longer needed.
      const keys = redisKeys(deps.space);
      await deps.redis.del(keys.runArticles(run.id), keys.runFeeds(run.id));
    }
  }

  const latest = (await deps.store.latestRunId()) === run.id;
  // The snapshot's digest is a summary like the run record: every count, the newest articles.
  const digest = await deps.store.digest({
    hours: deps.windowHours,
    at: new Date(run.finishedAt),
    perTopic: RUN_RECORD_ARTICLES,
  });
  const files = await writeSnapshot(deps.dataDir, { run, digest }, { latest });
  const message: RunFinishedMessage = { type: 'run-finished', runId: run.id, counts: run.counts };
  await deps.redis.publish(redisKeys(deps.space).topicsChannel, JSON.stringify(message));
  const deliveries = await deps.queueDeliveries(run, ownTopics);
  deps.logger.info(
    { runId: run.id, counts: run.counts, written, finalisedBy: run.finalisedBy, snapshot: files.runFile, deliveries },
    written ? 'run finished' : 'run was already written; snapshot and notice repeated',
  );
  return { run, written };
}
