import {
  CalibrationStore,
  calibrateOptions,
  FeedbackStore,
  lowestOwnTopicThreshold,
  runCalibration,
} from '@tidings/feedback';
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
import { OwnTopicMatches, ReclassifyReports, TopicStoreWriter } from '@tidings/topic-store';
import { type FinaliseReclassifyDeps, finaliseReclassifyRun } from './finalise-reclassify.js';
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
      if (manifest.trigger === 'reclassify') {
        const report = await finaliseReclassifyRun(job, manifest, { ...reclassifyDeps, logger: log });
        return { runId: report.runId, counts: report.counts, applied: report.applied };
      }
      const { run, written } = await finaliseRun(job, manifest, { ...deps, logger: log });
      if (written) {
        const cutoff = new Date(Date.now() - retentionMs);
        const pruned = {
          ...(await store.prune(cutoff)),
          ownTopicMatches: await ownTopicMatches.prune(cutoff),
          reclassifyReports: await reports.prune(cutoff),
        };
        if (pruned.articles + pruned.runs + pruned.ownTopicMatches + pruned.reclassifyReports > 0)
          log.info(pruned, 'pruned old articles, runs and own-topic matches');
      }
      if (config.feedback.afterRun) {
        // A fit that fails is the next run's to retry: the run itself is finalised and delivered.
        try {
          const fitted = await runCalibration(calibrationDeps, true);
          if (fitted)
            log.info(
              {
                calibration: fitted.calibration.id,
                adopted: fitted.adopt,
                examples: fitted.examples,
                labels: fitted.calibration.report.labels.reason,
                own: fitted.calibration.report.own.reason,
              },
              fitted.adopt ? 'calibration adopted' : 'calibration refused',
            );
        } catch (err) {
          log.warn({ err: (err as Error).message }, 'could not fit a calibration after the run');
        }
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
  const reports = new ReclassifyReports(service.connection, space);
  const reclassifyDeps: FinaliseReclassifyDeps = {
    store,
    reports,
    redis: service.connection,
    space,
    retentionMs,
    logger,
  };
  const subscriptions = new SubscriptionStore(service.connection, space, { labels: config.zeroShot.labels });
  const calibrations = new CalibrationStore(service.connection, space);
  const calibrationDeps = {
    feedback: new FeedbackStore(service.connection, space, {
      perReader: config.feedback.perReader,
      total: config.feedback.max,
    }),
    calibrations,
    options: calibrateOptions(config),
    onBadRecord: (id: string, reason: string) => logger.warn({ id, reason }, 'skipped an unreadable feedback example'),
  };
  const deps: FinaliseDeps = {
    store,
    ownTopicMatches,
    ownTopicThreshold: async () => {
      const calibration = await calibrations.current();
      return (topicId) => lowestOwnTopicThreshold(calibration, topicId, config.ownTopics.threshold);
    },
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
    new RunWatchdog(service.queue(QUEUE.aggregate), deps, reclassifyDeps, {
      timeoutMinutes: config.aggregator.runTimeoutMinutes,
      intervalMs: options.watchdogIntervalMs,
    }),
  );
  watchdog.start();
  return { worker: service.worker, store, watchdog, close: () => service.close() };
}
export type Aggregator = Awaited<ReturnType<typeof startAggregator>>;
