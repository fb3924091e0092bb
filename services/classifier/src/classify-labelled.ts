import type { LabelledLine } from '@tidings/feedback';
import { ownTopicId, ownTopicWords } from '@tidings/shared';
import type { NliModel } from './model-runtime.js';
import { classifyText, premiseOf, type ZeroShotOptions } from './zero-shot.js';

/** A labelled line with the model's raw scores for it, as the classifier would have stored them. */
export interface ScoredLine {
  line: number;
  item: LabelledLine;
  /** Every label's raw score. */
  scores: Record<string, number>;
  /** For an own-topic line: the topic's id and its raw score. */
  own?: { topicId: string; score: number };
}

/**
 * Classifies labelled lines with the classifier's own code (the same premise, hypotheses,
 * batching and scoring as a classify job), one line at a time; an own-topic line is asked
 * about its topic's words beside the labels, as an own topic is.
 */
export async function classifyLabelled(
  model: NliModel,
  lines: { line: number; item: LabelledLine }[],
  zeroShot: ZeroShotOptions,
  batchSize?: number,
): Promise<ScoredLine[]> {
  const out: ScoredLine[] = [];
  for (const { line, item } of lines) {
    const own = 'topic' in item ? { id: ownTopicId(item.topic), words: ownTopicWords(item.topic) } : undefined;
    const result = await classifyText(model, premiseOf(item), zeroShot, {
      ...(own ? { ownTopics: [own] } : {}),
      ...(batchSize ? { batchSize } : {}),
    });
    out.push({
      line,
      item,
      scores: result.scores,
      ...(own ? { own: { topicId: own.id, score: result.ownScores?.[own.id] ?? 0 } } : {}),
    });
  }
  return out;
}
