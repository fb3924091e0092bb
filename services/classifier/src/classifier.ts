import os from 'node:os';
import { ensureModel, ModelLoadError, modelSource } from '@tidings/model-tools';
import { clearProblem, createRedis, Heartbeat, type Logger, recordProblem, startWorkerService } from '@tidings/runtime';
import {
  type BackfillJob,
  BackfillJobSchema,
  type ClassifyJob,
  ClassifyJobSchema,
  type ClassifyResult,
  type Config,
  keySpaceOf,
  QUEUE,
} from '@tidings/shared';
import { OwnTopicMatches, TopicStoreReader } from '@tidings/topic-store';
import { type BackfillOutcome, backfillOwnTopic } from './backfill-own-topic.js';
import { CalibrationInForce } from './calibration-in-force.js';
import { registerClassifierVersion, versionOfClassifier } from './classifier-lineage.js';
import { classifyArticle } from './classify-article.js';
import { loadNliModel, type NliModel } from './model-runtime.js';
import { readOwnTopics } from './own-topic-registry.js';
import { startPreviewWorker } from './preview-worker.js';
import { readRunArticle } from './run-article.js';
import { classifyText } from './zero-shot.js';

export interface ClassifierOptions {
  config: Config;
  logger: Logger;
  /** A model already loaded (tests share one); otherwise loaded from the config. */
  model?: NliModel;
}

/** Loads the model once for the process, checks it with one warm-up inference, and reports its load time. */
export async function prepareModel(config: Config, logger: Logger): Promise<NliModel> {
  const source = modelSource(config.classifier);
  const started = performance.now();
  await ensureModel(config.classifier, { logger });
  const model = await loadNliModel(source, { threads: config.classifier.threads });
  await classifyText(model, 'Warm-up: the model answers before the worker takes a job.', config.zeroShot);
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

const modelProblemId = () => `model-unavailable:${os.hostname()}`;

/**
 * A model that will not load ends the process (a supervisor must not restart it in a loop),
 * so first it leaves the reason where `tidings status` and the page find it.
 */
async function prepareModelOrRecordProblem(config: Config, logger: Logger): Promise<NliModel> {
  try {
    return await prepareModel(config, logger);
  } catch (err) {
    if (!(err instanceof ModelLoadError)) throw err;
    const redis = createRedis(config.redis, { maxRetriesPerRequest: 1 }, logger);
    try {
      await recordProblem(redis, keySpaceOf(config), modelProblemId(), {
        kind: 'model-unavailable',
        message: err.message,
        where: os.hostname(),
        since: new Date().toISOString(),
      });
    } catch (recordErr) {
      logger.warn({ err: (recordErr as Error).message }, 'could not record the model problem in Redis');
    } finally {
      redis.disconnect();
    }
    throw err;
  }
}

/**
 * The classifier service. The model is ready before the workers exist, so a model that
 * cannot load never touches a job: they wait in the queue for a worker that can. One
 * process, one model, two queues: "classify" (a run's articles, each read by its id from the
 * run's article hash, with every own topic) and "backfill" (a new own topic against the
 * stored articles), whose batches interleave with the run's articles rather than load a
 * second model.
 */
export async function startClassifier(options: ClassifierOptions) {
  const { config, logger } = options;
  const started = performance.now();
  const model = options.model ?? (await prepareModelOrRecordProblem(config, logger));
  const space = keySpaceOf(config);
  const version = await versionOfClassifier(model.source, config.zeroShot);
  const loadMs = Math.round(performance.now() - started);
  const service = startWorkerService<ClassifyJob, ClassifyResult>({
    queue: QUEUE.classify,
    config,
    logger,
    schema: ClassifyJobSchema,
    bindings: (data) => ({ runId: data.runId, articleId: data.articleId }),
    process: async (data, _job, log) => {
      const [article, ownTopics] = await Promise.all([
        readRunArticle(service.connection, space, data),
        readOwnTopics(service.connection, space),
      ]);
      const { truncated, ...scored } = await classifyArticle(article, model, {
        ...config.zeroShot,
        worker: heartbeat.id,
        ownTopics,
        batchSize: config.classifier.batchSize,
      });
      const calibrated = await calibration.apply(scored.scores);
      const result: ClassifyResult =
        calibrated.calibration === null
          ? { ...scored, version: calibrated.version, calibration: null }
          : { ...scored, ...calibrated };
      heartbeat.jobDone();
      heartbeat.setVersion(calibrated.version);
      log.info(
        {
          worker: heartbeat.id,
          label: result.label,
          score: result.score,
          ownTopics: ownTopics.length,
          ms: result.ms,
          calibration: result.calibration,
          truncated,
        },
        'classified',
      );
      return result;
    },
    worker: {
      concurrency: config.classifier.concurrency,
      lockDuration: config.classifier.lockMs,
      // A job whose worker died is noticed within one lock period, not only every 30 s.
      stalledInterval: Math.min(30_000, config.classifier.lockMs),
      maxStalledCount: 2,
    },
  });
  const backfill = startWorkerService<BackfillJob, BackfillOutcome>({
    queue: QUEUE.backfill,
    config,
    logger,
    schema: BackfillJobSchema,
    bindings: (data) => ({ topicId: data.topicId }),
    process: async (data, job, log) => {
      const outcome = await backfillOwnTopic(data, backfillDeps, (progress) => job.updateProgress(progress));
      log.info(outcome, outcome.skipped ? 'backfill skipped' : 'own topic backfilled');
      return outcome;
    },
    worker: {
      concurrency: 1,
      lockDuration: config.classifier.lockMs,
      stalledInterval: Math.min(30_000, config.classifier.lockMs),
    },
  });
  const backfillDeps = {
    model,
    redis: backfill.connection,
    space,
    store: new TopicStoreReader(backfill.connection, space, { labelOrder: config.zeroShot.labels }),
    matches: new OwnTopicMatches(backfill.connection, space),
    hypothesisTemplate: config.zeroShot.hypothesisTemplate,
    batchSize: config.classifier.batchSize,
    threshold: config.ownTopics.threshold,
    days: config.ownTopics.backfillDays,
  };
  const preview = startPreviewWorker({ config, logger, model });
  const calibration = new CalibrationInForce(service.connection, space, version, config.zeroShot.multiLabel, logger);
  const heartbeat = service.own(
    new Heartbeat(service.connection, space, {
      name: model.source.name,
      dtype: model.source.dtype,
      loadMs,
      version: version.id,
    }),
  );
  await registerClassifierVersion(service.connection, space, version);
  logger.info({ version: version.id, weights: version.weights }, 'classifier version registered');
  await heartbeat.start();
  await clearProblem(service.connection, space, modelProblemId());

  return {
    worker: service.worker,
    model,
    heartbeat,
    close: async () => {
      await Promise.all([service.close(), backfill.close(), preview.close()]);
      if (!options.model) await model.dispose();
    },
  };
}
export type Classifier = Awaited<ReturnType<typeof startClassifier>>;
