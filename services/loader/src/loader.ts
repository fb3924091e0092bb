import { FeedList } from '@tidings/feed-list';
import type { Logger } from '@tidings/runtime';
import { HostSlots, jobSigningKey, jobSigningKeyFile, startWorkerService } from '@tidings/runtime';
import {
  BadJobError,
  type Config,
  type FeedReport,
  keySpaceOf,
  QUEUE,
  type ReadFeedJob,
  ReadFeedJobSchema,
  type RunRequestJob,
  RunRequestJobSchema,
  redisKeys,
  runIdForJob,
  type SelectStoredJob,
  SelectStoredJobSchema,
  verifyRunRequestJob,
} from '@tidings/shared';
import { TopicStoreReader } from '@tidings/topic-store';
import { DelayedError, Job, UnrecoverableError } from 'bullmq';
import { FeedCacheHeaders } from './feed-cache-headers.js';
import { feedHost } from './feed-host.js';
import { processReadFeedJob, type ReadFeedJobDeps } from './read-feed-job.js';
import { ensureDailySchedule } from './schedule.js';
import { ScheduleCatchUp } from './schedule-catch-up.js';
import { SeenArticles } from './seen-articles.js';
import { selectStoredArticles } from './select-stored.js';
import { startRun } from './start-run.js';
import { StoryClaims } from './story-claims.js';

/** How long a reclassify run's select-stored job waits before it looks for room again. */
const SELECT_RETRY_MS = 1_000;

export interface LoaderOptions {
  config: Config;
  logger: Logger;
  /**
   * Keep the daily schedule in step with DIGEST_CRON at start and when Redis comes back, and
   * start a scheduled run that was missed meanwhile (default true).
   */
  schedule?: boolean;
}

/**
 * The loader service: two workers. One on "feeds" turns each trigger into a run (a flow with
 * one read-feed job per feed); one on "read-feed" reads feeds, FEED_CONCURRENCY at once, each
 * host politely (HostSlots), and adds each new article's classify job to its run.
 */
export async function startLoader(options: LoaderOptions) {
  const { config, logger, schedule = true } = options;
  const space = keySpaceOf(config);
  const starter = startWorkerService<RunRequestJob, unknown>({
    queue: QUEUE.runRequests,
    config,
    logger,
    schema: RunRequestJobSchema,
    // Starting a run only adds its flow; two at once let a requested run pass a slow scheduled one.
    worker: { concurrency: 2 },
    process: async (data, job, log) => {
      const runId = runIdForJob(job.id ?? '');
      const signed = data.signature !== undefined;
      // Read at each signed job, not at start: `tidings run` makes the key on first use.
      const key = signed ? jobSigningKey(config.dataDir) : undefined;
      if (signed && (key === undefined || !verifyRunRequestJob(key, job.id ?? '', data))) {
        throw new UnrecoverableError(
          new BadJobError(
            QUEUE.runRequests,
            `signature: does not match this host's job-signing key (${jobSigningKeyFile(config.dataDir)}); only \`tidings run\` on the loader's host signs jobs, nothing was read`,
          ).message,
        );
      }
      // When the work started: a scheduled job is created one period before it runs, so its
      // timestamp would make a daily run look like it took a day.
      const startedAt = new Date(job.processedOn ?? Date.now());
      const started = await startRun(runId, data, startedAt, { ...startDeps, logger: log.child({ runId }) }, key);
      if (data.trigger === 'schedule') await catchUp.markStarted(runId);
      return { runId, feeds: started.feeds };
    },
  });

  const startDeps = {
    flows: starter.flowProducer(),
    aggregateQueue: starter.queue(QUEUE.aggregate),
    defaultFeeds: config.feeds.urls,
    feedList: new FeedList(starter.connection, space),
  };

  const reader = startWorkerService<ReadFeedJob, FeedReport>({
    queue: QUEUE.readFeed,
    config,
    logger,
    schema: ReadFeedJobSchema,
    bindings: (data) => ({ runId: data.runId }),
    worker: {
      concurrency: config.feeds.concurrency,
      // A feed's read (timeout, retries, chunks of articles) may outlast the default lock.
      lockDuration: 60_000,
    },
    process: async (data, job, log, token) => {
      const host = feedHost(data.feed);
      const holder = job.id ?? '';
      if (host) {
        const waitMs = await slots.take(host, holder);
        if (waitMs > 0) {
          // Back to the queue, not a sleep: this worker's slot goes to a feed on another host.
          await job.moveToDelayed(Date.now() + waitMs, token);
          throw new DelayedError();
        }
      }
      try {
        return await processReadFeedJob(data, holder, { ...readDeps, logger: log });
      } finally {
        if (host) await slots.release(host, holder);
      }
    },
  });
  const hostKeys = redisKeys(space);
  const slots = new HostSlots(
    reader.connection,
    { holders: hostKeys.feedHostReaders, next: hostKeys.feedHostNext },
    {
      slots: config.feeds.hostConcurrency,
      gapMs: config.feeds.hostDelayMs,
      leaseMs: 2 * config.feeds.timeoutMs * (config.feeds.retries + 1) + 30_000,
    },
  );
  const readDeps: ReadFeedJobDeps = {
    redis: reader.connection,
    space,
    classifyQueue: reader.queue(QUEUE.classify),
    parentQueue: reader.queue(QUEUE.aggregate).qualifiedName,
    seen: new SeenArticles(reader.connection, space, config.seenTtlDays),
    stories: new StoryClaims(reader.connection, space, {
      ...config.stories,
      sourcesTtlDays: config.aggregator.retentionDays,
    }),
    cacheHeaders: new FeedCacheHeaders(reader.connection, space),
    defaultFeeds: config.feeds.urls,
    feedList: new FeedList(reader.connection, space),
    allowPrivate: config.feeds.allowPrivate,
    // Read at each granted job, not at start: `tidings run` makes the key on first use.
    signingKey: () => jobSigningKey(config.dataDir),
    readOptions: config.feeds,
    logger,
  };

  const selector = startWorkerService<SelectStoredJob, FeedReport>({
    queue: QUEUE.reclassify,
    config,
    logger,
    schema: SelectStoredJobSchema,
    bindings: (data) => ({ runId: data.runId }),
    // One reclassify runs at a time; its job spends most of its life delayed, waiting for room.
    worker: { concurrency: 1, lockDuration: 60_000 },
    process: async (data, job, log, token) => {
      const aggregateQueue = selector.queue(QUEUE.aggregate);
      // Only the child of its own reclassify run may add articles to it.
      const parent =
        job.parent?.id === data.runId && job.parent.queueKey === aggregateQueue.qualifiedName
          ? await Job.fromId(aggregateQueue, data.runId)
          : undefined;
      if (!parent || (parent.data as { trigger?: unknown }).trigger !== 'reclassify')
        throw new UnrecoverableError(
          new BadJobError(QUEUE.reclassify, `runId: ${data.runId} is not this job's parent reclassify run`).message,
        );
      const step = await selectStoredArticles(data, {
        ...selectDeps,
        pending: async () => {
          // The parent's unfinished children, less this job itself.
          const counts = await parent.getDependenciesCount({ unprocessed: true });
          return Math.max(0, (counts.unprocessed ?? 1) - 1);
        },
        saveCursor: async (cursor, total) => {
          await job.updateData({ ...data, cursor });
          await job.updateProgress({ added: cursor, total });
        },
        logger: log,
      });
      if (step.done) return step.report;
      // Room is made as the classifiers work: back to the queue, not a sleep, and resumed
      // from the saved cursor by whichever loader takes it next.
      await job.moveToDelayed(Date.now() + SELECT_RETRY_MS, token);
      throw new DelayedError();
    },
  });
  const selectDeps = {
    redis: selector.connection,
    space,
    store: new TopicStoreReader(selector.connection, space),
    classifyQueue: selector.queue(QUEUE.classify),
    parentQueue: selector.queue(QUEUE.aggregate).qualifiedName,
  };

  const feedsQueue = starter.queue(QUEUE.runRequests);
  const catchUp = new ScheduleCatchUp({
    redis: starter.connection,
    space,
    feedsQueue,
    aggregateQueue: startDeps.aggregateQueue,
    store: new TopicStoreReader(starter.connection, space),
    schedule: config.schedule,
    logger,
  });
  // A Redis that restarted may have come back without the scheduler's next job (bullmq#2151):
  // upserting adds it again, and the catch-up starts a run that was due meanwhile.
  const keepSchedule = async () => {
    await ensureDailySchedule(feedsQueue, config.schedule);
    await catchUp.request();
  };
  const onReady = () => {
    logger.info('redis is back: checking the schedule');
    void keepSchedule().catch((err: Error) => logger.warn({ err: err.message }, 'could not set the daily schedule'));
  };
  if (schedule) {
    await ensureDailySchedule(feedsQueue, config.schedule);
    logger.info({ cron: config.schedule.cron, tz: config.schedule.tz }, 'daily schedule set');
    await catchUp.request();
    // Set once the connection is up, so every later 'ready' is a reconnect.
    starter.connection.on('ready', onReady);
  }
  return {
    workers: [starter.worker, reader.worker, selector.worker],
    feedsQueue,
    catchUp,
    close: async () => {
      starter.connection.off('ready', onReady);
      await catchUp.settled();
      await Promise.all([starter.close(), reader.close(), selector.close()]);
    },
  };
}
export type Loader = Awaited<ReturnType<typeof startLoader>>;
