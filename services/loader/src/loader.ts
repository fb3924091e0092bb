import {
  type Config,
  createRedis,
  DEFAULT_JOB_OPTIONS,
  describeZodError,
  LoadJobSchema,
  type Logger,
  QUEUE,
} from '@tidings/shared';
import { FlowProducer, Queue, UnrecoverableError, Worker } from 'bullmq';
import { FeedValidatorStore } from './feed-validators.js';
import { loadRun } from './load-run.js';
import { runIdForJob } from './run-id.js';
import { ensureDailySchedule } from './schedule.js';
import { SeenArticles } from './seen-articles.js';

export interface LoaderOptions {
  config: Config;
  logger: Logger;
  /** Keep the daily schedule in step with DIGEST_CRON at start (default true). */
  schedule?: boolean;
  concurrency?: number;
}

/** The loader service: a worker on "feeds" that turns each trigger into one run flow. */
export async function startLoader(options: LoaderOptions) {
  const { config, logger, schedule = true, concurrency = 2 } = options;
  const connection = createRedis(config.redis.url, {}, logger);
  const prefix = config.prefix;
  const feedsQueue = new Queue(QUEUE.feeds, { connection, prefix, defaultJobOptions: DEFAULT_JOB_OPTIONS.feeds });
  const aggregateQueue = new Queue(QUEUE.aggregate, { connection, prefix });
  const flows = new FlowProducer({ connection, prefix });
  const deps = {
    flows,
    aggregateQueue,
    seen: new SeenArticles(connection, prefix, config.seenTtlDays),
    validators: new FeedValidatorStore(connection, prefix),
    defaultFeeds: config.feeds.urls,
    readOptions: {
      timeoutMs: config.feeds.timeoutMs,
      maxBytes: config.feeds.maxBytes,
      retries: config.feeds.retries,
      summaryMaxChars: config.feeds.summaryMaxChars,
    },
    logger,
  };

  if (schedule) {
    await ensureDailySchedule(feedsQueue, config.schedule);
    logger.info({ cron: config.schedule.cron, tz: config.schedule.tz }, 'daily schedule set');
  }

  const worker = new Worker(
    QUEUE.feeds,
    async (job) => {
      const parsed = LoadJobSchema.safeParse(job.data);
      if (!parsed.success) throw new UnrecoverableError(`bad load job data: ${describeZodError(parsed.error)}`);
      const runId = runIdForJob(job.id ?? '');
      const result = await loadRun(runId, parsed.data, new Date(job.timestamp), {
        ...deps,
        logger: logger.child({ jobId: job.id }),
      });
      return { runId, articles: result.articles, feeds: result.manifest.feeds };
    },
    { connection: createRedis(config.redis.url, {}, logger), prefix, concurrency },
  );
  worker.on('failed', (job, err) => logger.error({ jobId: job?.id, err: err.message }, 'load job failed'));
  worker.on('error', (err) => logger.error({ err: err.message }, 'loader worker error'));

  return {
    worker,
    feedsQueue,
    close: async () => {
      await worker.close();
      await flows.close();
      await feedsQueue.close();
      await aggregateQueue.close();
      await connection.quit().catch(() => connection.disconnect());
    },
  };
}
export type Loader = Awaited<ReturnType<typeof startLoader>>;
