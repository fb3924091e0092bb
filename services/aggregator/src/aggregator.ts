import { type Logger, startWorkerService } from '@tidings/runtime';
import {
  type Config,
  deliveryId,
  JOB,
  keySpaceOf,
  notifyJobOptions,
  QUEUE,
  type RunManifest,
  RunManifestSchema,
} from '@tidings/shared';
import { SubscriptionStore } from '@tidings/subscriptions';
import { OwnTopicMatches, TopicStoreWriter } from '@tidings/topic-store';
import { type FinaliseDeps, finaliseRun } from './finalise-run.js';
import { planDeliveries } from './plan-deliveries.js';
import { planHubPings } from './plan-hub-pings.js';
import { RunWatchdog } from './watchdog.js';

export interface AggregatorOptions {
  config: Config;
  logger: Logger;
  watchdogIntervalMs?: number;
}

/** The aggregator service: a worker on "aggregate" that finalises each finished run, plus the watchdog. */
export async function startAggregator(options: AggregatorOptions) {
  const { config, logger } = options;
  const space = keySpaceOf(config);
  const retentionMs = config.aggregator.retentionDays * 86_400_000;
  const service = startWorkerService<RunManifest, unknown>({
    queue: QUEUE.aggregate,
    config,
    logger,
    schema: RunManifestSchema,
    bindings: (manifest) => ({ runId: manifest.runId }),
    process: async (manifest, job, log) => {
      const { run, written } = await finaliseRun(job, manifest, { ...deps, logger: log });
      if (written) {
        const cutoff = new Date(Date.now() - retentionMs);
        const pruned = { ...(await store.prune(cutoff)), ownTopicMatches: await ownTopicMatches.prune(cutoff) };
        if (pruned.articles + pruned.runs + pruned.ownTopicMatches > 0)
          log.info(pruned, 'pruned old articles, runs and own-topic matches');
      }
      return { runId: run.id, counts: run.counts, written };
    },
    // Aggregating a run takes well under a second; a short lock lets another aggregator
    // take over a crashed one's run within 15 s.
    worker: { concurrency: 1, lockDuration: 15_000, stalledInterval: 15_000 },
  });
  const store = new TopicStoreWriter(service.connection, space, {
    labelOrder: config.zeroShot.labels,
    onBadRecord: (record) => logger.warn(record, 'skipped an unreadable record in the topic store'),
  });
  const ownTopicMatches = new OwnTopicMatches(service.connection, space);
  const subscriptions = new SubscriptionStore(service.connection, space, { labels: config.zeroShot.labels });
  const deps: FinaliseDeps = {
    store,
    ownTopicMatches,
    ownTopicThreshold: config.ownTopics.threshold,
    retentionMs,
    redis: service.connection,
    space,
    dataDir: config.dataDir,
    windowHours: config.aggregator.windowHours,
    labelOrder: config.zeroShot.labels,
    logger,
    // Queued on every attempt, written or not: a delivery's job id is its delivery id, so a
    // retried run adds nothing already queued or sent, and a crash before this loses nothing.
    queueDeliveries: async (run, ownTopics) => {
      const deliveries = [
        ...planDeliveries(run, ownTopics, await subscriptions.list(), config.notify),
        ...planHubPings(run, config.websub.hubUrls),
      ];
      await service.queue(QUEUE.notify).addBulk(
        deliveries.map((data) => ({
          name: JOB.deliver,
          data,
          opts: { ...notifyJobOptions(config.notify), jobId: deliveryId(data) },
        })),
      );
      return deliveries.length;
    },
  };
  const watchdog = service.own(
    new RunWatchdog(service.queue(QUEUE.aggregate), deps, {
      timeoutMinutes: config.aggregator.runTimeoutMinutes,
      intervalMs: options.watchdogIntervalMs,
    }),
  );
  watchdog.start();
  return { worker: service.worker, store, watchdog, close: () => service.close() };
}
export type Aggregator = Awaited<ReturnType<typeof startAggregator>>;
