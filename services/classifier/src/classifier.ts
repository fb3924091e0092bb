import { type Config, createRedis, type Logger, QUEUE } from '@tidings/shared';
import { Worker } from 'bullmq';
import { classifyArticle } from './classify-article.js';
import { Heartbeat } from './heartbeat.js';
import { loadNliModel, type NliModel } from './model-runtime.js';
import { modelSource } from './model-source.js';
import { classifyText, type ZeroShotOptions } from './zero-shot.js';

export interface ClassifierOptions {
  config: Config;
  logger: Logger;
  /** A model already loaded (tests share one); otherwise loaded from the config. */
  model?: NliModel;
}

export function zeroShotOptions(config: Config): ZeroShotOptions {
  return {
    labels: config.classifier.labels,
    hypothesisTemplate: config.classifier.hypothesisTemplate,
    multiLabel: config.classifier.multiLabel,
  };
}

/** Loads the model once for the process, checks it with one warm-up inference, and reports its load time. */
export async function prepareModel(config: Config, logger: Logger): Promise<NliModel> {
  const source = modelSource(config.classifier);
  const started = performance.now();
  const model = await loadNliModel(source, { threads: config.classifier.threads });
  await classifyText(model, 'Warm-up: the model answers before the worker takes a job.', zeroShotOptions(config));
  logger.info(
    {
      model: source.name,
      dtype: source.dtype,
      threads: config.classifier.threads,
      loadMs: Math.round(performance.now() - started),
    },
    'model loaded and warmed up',
  );
  return model;
}

/**
 * The classifier service. The model is ready before the worker exists, so a model that
 * cannot load never touches a job: they wait in the queue for a worker that can.
 */
export async function startClassifier(options: ClassifierOptions) {
  const { config, logger } = options;
  const model = options.model ?? (await prepareModel(config, logger));
  const connection = createRedis(config.redis.url, {}, logger);
  const heartbeat = new Heartbeat(connection, config.prefix, { name: model.source.name, dtype: model.source.dtype });
  await heartbeat.start();
  const zeroShot = { ...zeroShotOptions(config), worker: heartbeat.id };

  const worker = new Worker(
    QUEUE.classify,
    async (job) => {
      const result = await classifyArticle(job.data, model, zeroShot);
      heartbeat.jobDone();
      const { truncated, ...classifyResult } = result;
      logger.debug(
        { runId: job.data?.runId, jobId: job.id, label: result.label, score: result.score, ms: result.ms, truncated },
        'classified',
      );
      return classifyResult;
    },
    {
      connection: createRedis(config.redis.url, {}, logger),
      prefix: config.prefix,
      concurrency: config.classifier.concurrency,
      lockDuration: config.classifier.lockMs,
      // A job whose worker died is noticed within one lock period, not only every 30 s.
      stalledInterval: Math.min(30_000, config.classifier.lockMs),
      maxStalledCount: 2,
    },
  );
  worker.on('failed', (job, err) =>
    logger.warn(
      { runId: job?.data?.runId, jobId: job?.id, attempts: job?.attemptsMade, err: err.message },
      'classify failed',
    ),
  );
  worker.on('error', (err) => logger.error({ err: err.message }, 'classifier worker error'));

  return {
    worker,
    model,
    heartbeat,
    close: async () => {
      await worker.close();
      await heartbeat.close();
      await connection.quit().catch(() => connection.disconnect());
      if (!options.model) await model.dispose();
    },
  };
}
export type Classifier = Awaited<ReturnType<typeof startClassifier>>;
