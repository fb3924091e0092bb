import { type Logger, startWorkerService } from '@tidings/runtime';
import {
  type Config,
  keySpaceOf,
  type OwnTopicPreview,
  type PreviewJob,
  PreviewJobSchema,
  QUEUE,
} from '@tidings/shared';
import { TopicStoreReader } from '@tidings/topic-store';
import type { NliModel } from './model-runtime.js';
import { previewOwnTopic } from './preview-own-topic.js';

/**
 * The time a preview keeps for its answer to reach the asker, out of PREVIEW_TIMEOUT_MS: the
 * scoring stops this much before the asker stops waiting.
 */
export function answerReserveMs(timeoutMs: number): number {
  return Math.min(1_000, Math.round(timeoutMs / 5));
}

/**
 * The "preview" worker of a classifier process: one preview at a time, on the model the
 * process already holds, its batches interleaving with the run's articles like a backfill's.
 * Its budget runs from when the preview was asked for (the job's timestamp), so a preview
 * that waited in the queue scores less rather than answering after its asker gave up.
 */
export function startPreviewWorker(options: { config: Config; logger: Logger; model: NliModel }) {
  const { config, logger, model } = options;
  const { preview, threshold, backfillDays } = config.ownTopics;
  const worker = startWorkerService<PreviewJob, OwnTopicPreview>({
    queue: QUEUE.preview,
    config,
    logger,
    schema: PreviewJobSchema,
    process: async (data, job, log) => {
      const started = Date.now();
      const deadline = job.timestamp + preview.timeoutMs - answerReserveMs(preview.timeoutMs);
      const answer = await previewOwnTopic(data, { ...deps, model }, deadline);
      log.info(
        {
          matched: answer.matched,
          scored: answer.scored,
          considered: answer.considered,
          waitedMs: started - job.timestamp,
          ms: Date.now() - started,
        },
        'own topic previewed',
      );
      return answer;
    },
    worker: {
      concurrency: 1,
      lockDuration: config.classifier.lockMs,
      stalledInterval: Math.min(30_000, config.classifier.lockMs),
      // A preview whose classifier died is not worth repeating: its asker has given up.
      maxStalledCount: 0,
    },
  });
  const deps = {
    store: new TopicStoreReader(worker.connection, keySpaceOf(config), { labelOrder: config.zeroShot.labels }),
    hypothesisTemplate: config.zeroShot.hypothesisTemplate,
    batchSize: config.classifier.batchSize,
    threshold,
    days: backfillDays,
    maxArticles: preview.maxArticles,
  };
  return worker;
}
