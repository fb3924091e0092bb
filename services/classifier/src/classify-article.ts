import type { ClassifyJob, ClassifyResult } from '@tidings/shared';
import { UnrecoverableError } from 'bullmq';
import type { NliModel } from './model-runtime.js';
import { classifyText, premiseOf, type ZeroShotOptions } from './zero-shot.js';

/**
 * One classify job (already checked against its schema): build the premise, score every
 * label in one batch. An empty article fails for good (retrying cannot help); an over-long
 * one is truncated.
 */
export async function classifyArticle(
  job: ClassifyJob,
  model: NliModel,
  options: ZeroShotOptions & { worker?: string },
): Promise<ClassifyResult & { truncated: boolean }> {
  const premise = premiseOf(job.article);
  if (!premise)
    throw new UnrecoverableError(`article ${job.article.id} has neither title nor summary: nothing to classify`);
  const started = performance.now();
  const result = await classifyText(model, premise, options);
  return {
    articleId: job.article.id,
    label: result.label,
    score: result.score,
    scores: result.scores,
    model: model.source.name,
    dtype: model.source.dtype,
    ms: Math.round((performance.now() - started) * 100) / 100,
    worker: options.worker,
    truncated: result.truncated,
  };
}
