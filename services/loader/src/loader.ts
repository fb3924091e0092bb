import {
  BadJobError,
  type Config,
  type LoadJob,
  LoadJobSchema,
  QUEUE,
  runIdForJob,
  verifyLoadJob,
} from '@tidings/contracts';
import { FeedList } from '@tidings/feed-list';
import type { Logger } from '@tidings/runtime';
import { jobSigningKey, jobSigningKeyFile, startWorkerService } from '@tidings/runtime';
import { UnrecoverableError } from 'bullmq';
import { FeedCacheHeaders } from './feed-cache-headers.js';
import { loadRun } from './load-run.js';
import { ensureDailySchedule } from './schedule.js';
import { SeenArticles } from './seen-articles.js';
import { StoryClaims } from './story-claims.js';

export interface LoaderOptions {
  config: Config;
  logger: Logger;
  /** Keep the daily schedule in step with DIGEST_CRON at start (default true). */
  schedule?: boolean;
  /**
   * Runs one loader reads at once (default 2): a run stuck on a slow feed does not hold up a
   * run someone just asked for; more would only compete for the same feeds.
   */
  concurrency?: number;
}

/** The loader service: a worker on "feeds" that turns each trigger into one run flow. */
export async function startLoader(options: LoaderOptions) {
  const { config, logger, schedule = true, concurrency = 2 } = options;
  const service = startWorkerService<LoadJob, unknown>({
    queue: QUEUE.feeds,
    config,
    logger,
    schema: LoadJobSchema,
    worker: { concurrency },
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
      const result = await loadRun(runId, data, startedAt, { ...deps, logger: log.child({ runId }) }, signed);
      return { runId, articles: result.articles, feeds: result.manifest.feeds };
    },
  });
  const deps = {
    flows: service.flowProducer(),
    aggregateQueue: service.queue(QUEUE.aggregate),
    seen: new SeenArticles(service.connection, config.prefix, config.seenTtlDays),
    stories: new StoryClaims(service.connection, config.prefix, {
      ...config.stories,
      sourcesTtlDays: config.aggregator.retentionDays,
    }),
    cacheHeaders: new FeedCacheHeaders(service.connection, config.prefix),
    defaultFeeds: config.feeds.urls,
    feedList: new FeedList(service.connection, config.prefix),
    allowPrivate: config.feeds.allowPrivate,
    readOptions: config.feeds,
    logger,
  };
  const feedsQueue = service.queue(QUEUE.feeds);
  if (schedule) {
    await ensureDailySchedule(feedsQueue, config.schedule);
    logger.info({ cron: config.schedule.cron, tz: config.schedule.tz }, 'daily schedule set');
  }
  return { worker: service.worker, feedsQueue, close: () => service.close() };
}
export type Loader = Awaited<ReturnType<typeof startLoader>>;
