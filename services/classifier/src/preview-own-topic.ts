import { type OwnTopicPreview, PREVIEW_TOP, type PreviewJob, type TopicArticle } from '@tidings/shared';
import type { TopicStoreReader } from '@tidings/topic-store';
import type { NliModel } from './model-runtime.js';
import { ownTopicHypothesis, premiseOf, scorePremises } from './zero-shot.js';

export interface PreviewDeps {
  model: NliModel;
  store: TopicStoreReader;
  hypothesisTemplate: string;
  /** CLASSIFY_BATCH_SIZE: also the step between two looks at the clock. */
  batchSize: number;
  /** OWN_TOPIC_THRESHOLD */
  threshold: number;
  /** BACKFILL_DAYS: the window a saved topic's backfill would score. */
  days: number;
  /** PREVIEW_MAX_ARTICLES */
  maxArticles: number;
}

/**
 * The newest `max` stored articles of the last `days` (a window ending at the newest stored
 * article, as the backfill's), and how many the window holds. A topic feed's newest read,
 * cut to the window: never the whole window, which can be tens of thousands of articles.
 */
async function newestInWindow(store: TopicStoreReader, days: number, max: number) {
  // One article a topic: a group with none is left out of the digest, and its count with it.
  const window = await store.digest({ hours: days * 24, perTopic: 1 });
  if (window.from === null || window.to === null) return { articles: [], inWindow: 0 };
  const from = Date.parse(window.from);
  const to = Date.parse(window.to);
  const inWindow = window.topics.reduce((sum, t) => sum + t.count, 0);
  const newest = await store.newestArticles(await store.labels(), max);
  const articles = newest.filter((a) => {
    const published = Date.parse(a.published);
    return published > from && published <= to && premiseOf(a) !== '';
  });
  return { articles, inWindow };
}

/** The best `PREVIEW_TOP` of the scored articles at or above the threshold, best first (newest first on a tie). */
export function topMatches(articles: TopicArticle[], scores: number[], threshold: number) {
  return articles
    .map((a, i) => ({ articleId: a.id, title: a.title, link: a.link, published: a.published, score: scores[i] ?? 0 }))
    .filter((m) => m.score >= threshold)
    .sort((a, b) => b.score - a.score || Date.parse(b.published) - Date.parse(a.published))
    .slice(0, PREVIEW_TOP);
}

/**
 * How an own topic would do if it were saved now: its words against the newest stored
 * articles of the window, one batch at a time until `deadline` (epoch ms), so a slow model or
 * a busy process answers with what it scored rather than not at all. Writes nothing.
 */
export async function previewOwnTopic(
  job: PreviewJob,
  deps: PreviewDeps,
  deadline: number,
  now: () => number = Date.now,
): Promise<OwnTopicPreview> {
  const days = Math.max(1, deps.days);
  const { articles, inWindow } = await newestInWindow(deps.store, days, deps.maxArticles);
  const hypothesis = ownTopicHypothesis(deps.hypothesisTemplate, job.words);
  const scores: number[] = [];
  for (let start = 0; start < articles.length && now() < deadline; start += deps.batchSize) {
    const batch = articles.slice(start, start + deps.batchSize);
    scores.push(...(await scorePremises(deps.model, batch.map(premiseOf), hypothesis, deps.batchSize)));
  }
  const scored = articles.slice(0, scores.length);
  const matched = scores.filter((s) => s >= deps.threshold).length;
  return {
    words: job.words,
    matched,
    scored: scores.length,
    considered: articles.length,
    inWindow,
    days,
    threshold: deps.threshold,
    top: topMatches(scored, scores, deps.threshold),
  };
}
