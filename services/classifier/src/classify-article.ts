import { type ClassifyJob, ClassifyJobSchema, type ClassifyResult, describeZodError } from '@tidings/shared';
import { UnrecoverableError } from 'bullmq';
import type { NliModel } from './model-runtime.js';
import { classifyText, premiseOf, type ZeroShotOptions } from './zero-shot.js';

/**
 * One classify job: validate, build the premise, score every label in one batch. Bad data
 * or an empty article fail for good (retrying cannot help); an over-long one is truncated.
 */
export async function classifyArticle(
  data: unknown,
  model: NliModel,
  options: ZeroShotOptions & { worker?: string },
): Promise<ClassifyResult & { truncated: boolean }> {
  const parsed = ClassifyJobSchema.safeParse(data);
  if (!parsed.success) throw new UnrecoverableError(`bad classify job data: ${describeZodError(parsed.error)}`);
  const job: ClassifyJob = parsed.data;
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
