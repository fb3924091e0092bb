import type { Article, ClassifyResult } from '@tidings/shared';
import { UnrecoverableError } from 'bullmq';
import type { NliModel } from './model-runtime.js';
import { classifyText, type OwnTopicQuestion, premiseOf, type ZeroShotOptions } from './zero-shot.js';

export interface ClassifyArticleOptions extends ZeroShotOptions {
  worker?: string;
  /** Every own topic to score beside the labels (readOwnTopics). */
  ownTopics?: OwnTopicQuestion[];
  /** CLASSIFY_BATCH_SIZE */
  batchSize?: number;
}

/**
 * One classify job's article (read from its run and checked against its schema): build the
 * premise, score every label, then every own topic, in padded batches. An empty article
 * fails for good (retrying cannot help); an over-long one is truncated.
 */
export async function classifyArticle(
  article: Article,
  model: NliModel,
  options: ClassifyArticleOptions,
): Promise<ClassifyResult & { truncated: boolean }> {
  const premise = premiseOf(article);
  if (!premise)
    throw new UnrecoverableError(`article ${article.id} has neither title nor summary: nothing to classify`);
  const started = performance.now();
  const result = await classifyText(model, premise, options, {
    ownTopics: options.ownTopics,
    batchSize: options.batchSize,
  });
  return {
    articleId: article.id,
    label: result.label,
    score: result.score,
    scores: result.scores,
    ...(result.ownScores ? { ownScores: result.ownScores } : {}),
    model: model.source.name,
    dtype: model.source.dtype,
    ms: Math.round((performance.now() - started) * 100) / 100,
    worker: options.worker,
    truncated: result.truncated,
  };
}
