import {
  type Config,
  createRedis,
  DEFAULT_JOB_OPTIONS,
  describeZodError,
  type Logger,
  QUEUE,
  RunManifestSchema,
} from '@tidings/shared';
import { Queue, UnrecoverableError, Worker } from 'bullmq';
import { type FinaliseDeps, finaliseRun } from './finalise-run.js';
import { TopicStore } from './topic-store.js';
import { RunWatchdog } from './watchdog.js';

export interface AggregatorOptions {
  config: Config;
  logger: Logger;
  watchdogIntervalMs?: number;
}

/** The aggregator service: a worker on "aggregate" that finalises each finished run, plus the watchdog. */
export async function startAggregator(options: AggregatorOptions) {
  const { config, logger } = options;
  const connection = createRedis(config.redis.url, {}, logger);
  const store = new TopicStore(connection, config.prefix, config.classifier.labels);
  const aggregateQueue = new Queue(QUEUE.aggregate, {
    connection,
    prefix: config.prefix,
    defaultJobOptions: DEFAULT_JOB_OPTIONS.aggregate,
  });
  const deps: FinaliseDeps = {
    store,
    publisher: connection,
    prefix: config.prefix,
    dataDir: config.dataDir,
    windowHours: config.aggregator.windowHours,
    labelOrder: config.classifier.labels,
    logger,
  };
  const retentionMs = config.aggregator.retentionDays * 86_400_000;

  const worker = new Worker(
    QUEUE.aggregate,
    async (job) => {
      const parsed = RunManifestSchema.safeParse(job.data);
      if (!parsed.success) throw new UnrecoverableError(`bad aggregate-run data: ${describeZodError(parsed.error)}`);
      const log = logger.child({ runId: parsed.data.runId, jobId: job.id });
      const { run, written } = await finaliseRun(job, parsed.data, { ...deps, logger: log });
      if (written) {
        const pruned = await store.prune(new Date(Date.now() - retentionMs));
        if (pruned.articles + pruned.runs > 0) log.info(pruned, 'pruned old articles and runs');
      }
      return { runId: run.id, counts: run.counts, written };
    },
    // Aggregating a run takes well under a second; a short lock lets another aggregator
    // take over a crashed one's run within 15 s.
    {
      connection: createRedis(config.redis.url, {}, logger),
      prefix: config.prefix,
      concurrency: 1,
      lockDuration: 15_000,
      stalledInterval: 15_000,
    },
  );
  worker.on('failed', (job, err) => logger.error({ jobId: job?.id, err: err.message }, 'aggregate failed'));
  worker.on('error', (err) => logger.error({ err: err.message }, 'aggregator worker error'));

  const watchdog = new RunWatchdog(aggregateQueue, deps, {
    timeoutMinutes: config.aggregator.runTimeoutMinutes,
    intervalMs: options.watchdogIntervalMs,
  });
  watchdog.start();

  return {
    worker,
    store,
    watchdog,
    close: async () => {
      await worker.close();
      await watchdog.close();
      await aggregateQueue.close();
      await connection.quit().catch(() => connection.disconnect());
    },
  };
}
export type Aggregator = Awaited<ReturnType<typeof startAggregator>>;
