import type { RedisConnection } from '@tidings/runtime';
import { type BackfillJob, type BackfillProgress, type KeySpaceSource, redisKeys } from '@tidings/shared';
import {
  type OwnTopicMatches,
  recentWindowStart,
  type ScoredArticle,
  type TopicStoreReader,
} from '@tidings/topic-store';
import type { NliModel } from './model-runtime.js';
import { ownTopicHypothesis, premiseOf, scorePremises } from './zero-shot.js';

/** Stored articles read and scored per step: progress is reported after each. */
const STEP = 100;

export interface BackfillDeps {
  model: NliModel;
  redis: RedisConnection;
  space: KeySpaceSource;
  store: TopicStoreReader;
  matches: OwnTopicMatches;
  hypothesisTemplate: string;
  /** CLASSIFY_BATCH_SIZE */
  batchSize: number;
  /** OWN_TOPIC_THRESHOLD */
  threshold: number;
  /** BACKFILL_DAYS */
  days: number;
}

export interface BackfillOutcome extends BackfillProgress {
  topicId: string;
  /** Why nothing was scored, when nothing was. */
  skipped?: string;
}

/**
 * A new own topic against the stored articles of the last BACKFILL_DAYS, that topic alone:
 * each article's score is kept, the matches join the topic's feed at once. The window ends
 * at the newest stored article (recentWindowStart). Repeating a step (a retried job) writes
 * the same scores again.
 */
export async function backfillOwnTopic(
  job: BackfillJob,
  deps: BackfillDeps,
  report: (progress: BackfillProgress) => Promise<void>,
): Promise<BackfillOutcome> {
  const { topicId } = job;
  const words = await deps.redis.hget(redisKeys(deps.space).ownTopics, topicId);
  const none = { topicId, done: 0, total: 0, matched: 0 };
  if (!words) return { ...none, skipped: 'no subscription has this topic any more' };
  const since = deps.days === 0 ? null : await recentWindowStart(deps.store, deps.days);
  if (since === null) return { ...none, skipped: 'no stored articles in the window' };
  const ids = (await deps.store.articleIdsPublishedSince(since)).sort();
  const hypothesis = ownTopicHypothesis(deps.hypothesisTemplate, words);
  const progress: BackfillProgress = { done: 0, total: ids.length, matched: 0 };
  await report(progress);
  for (let start = 0; start < ids.length; start += STEP) {
    const articles = (await deps.store.articlesById(ids.slice(start, start + STEP))).filter((a) => premiseOf(a));
    const scores = await scorePremises(deps.model, articles.map(premiseOf), hypothesis, deps.batchSize);
    const scored: ScoredArticle[] = articles.map((a, i) => ({
      articleId: a.id,
      published: Date.parse(a.published),
      score: scores[i] ?? 0,
    }));
    const matches = scored.filter((s) => s.score >= deps.threshold);
    await deps.matches.add(topicId, matches, scored);
    progress.done = Math.min(ids.length, start + STEP);
    progress.matched += matches.length;
    await report(progress);
  }
  return { topicId, ...progress };
}
