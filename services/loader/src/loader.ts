import { FeedList } from '@tidings/feed-list';
import type { Logger } from '@tidings/runtime';
import { HostSlots, jobSigningKey, jobSigningKeyFile, startWorkerService } from '@tidings/runtime';
import {
  BadJobError,
  type Config,
  type FeedReport,
  keySpaceOf,
  type LoadJob,
  LoadJobSchema,
  QUEUE,
  type ReadFeedJob,
  ReadFeedJobSchema,
  redisKeys,
  runIdForJob,
  verifyLoadJob,
} from '@tidings/shared';
import { DelayedError, UnrecoverableError } from 'bullmq';
import { FeedCacheHeaders } from './feed-cache-headers.js';
import { feedHost } from './feed-host.js';
import { processReadFeedJob, type ReadFeedJobDeps } from './read-feed-job.js';
import { ensureDailySchedule } from './schedule.js';
import { SeenArticles } from './seen-articles.js';
import { startRun } from './start-run.js';
import { StoryClaims } from './story-claims.js';

export interface LoaderOptions {
  config: Config;
  logger: Logger;
  /** Keep the daily schedule in step with DIGEST_CRON at start (default true). */
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
  const starter = startWorkerService<LoadJob, unknown>({
    queue: QUEUE.feeds,
    config,
    logger,
    schema: LoadJobSchema,
    // Starting a run only adds its flow; two at once let a requested run pass a slow scheduled one.
    worker: { concurrency: 2 },
    process: async (data, job, log) => {
      const runId = runIdForJob(job.id ?? '');
      const signed = data.signature !== undefined;
      // Read at each signed job, not at start: `tidings run` makes the key on first use.
      const key = signed ? jobSigningKey(config.dataDir) : undefined;
      if (signed && (key === undefined || !verifyLoadJob(key, job.id ?? '', data))) {
        throw new UnrecoverableError(
          new BadJobError(
            QUEUE.feeds,
            `signature: does not match this host's job-signing key (${jobSigningKeyFile(config.dataDir)}); only \`tidings run\` on the loader's host signs jobs, nothing was read`,
          ).message,
        );
      }
      // When the work started: a scheduled job is created one period before it runs, so its
      // timestamp would make a daily run look like it took a day.
      const startedAt = new Date(job.processedOn ?? Date.now());
      const started = await startRun(runId, data, startedAt, { ...startDeps, logger: log.child({ runId }) }, key);
      return { runId, feeds: started.feeds };
    },
  });

  const startDeps = {
    flows: starter.flowProducer(),
    aggregateQueue: starter.queue(QUEUE.aggregate),
    defaultFeeds: config.feeds.urls,
    feedList: new FeedList(starter.connection, config.prefix),
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
    feedList: new FeedList(reader.connection, config.prefix),
    allowPrivate: config.feeds.allowPrivate,
    // Read at each granted job, not at start: `tidings run` makes the key on first use.
    signingKey: () => jobSigningKey(config.dataDir),
    readOptions: config.feeds,
    logger,
  };

  const feedsQueue = starter.queue(QUEUE.feeds);
  if (schedule) {
    await ensureDailySchedule(feedsQueue, config.schedule);
    logger.info({ cron: config.schedule.cron, tz: config.schedule.tz }, 'daily schedule set');
  }
  return {
    workers: [starter.worker, reader.worker],
    feedsQueue,
    close: async () => {
      await Promise.all([starter.close(), reader.close()]);
    },
  };
}
export type Loader = Awaited<ReturnType<typeof startLoader>>;
