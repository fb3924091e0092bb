import { ownTopicThreshold, topLabel } from '@tidings/feedback';
import { type Calibration, matchReason, type TopicArticle } from '@tidings/shared';
import type { TopicStoreReader } from '@tidings/topic-store';
import { type ApiResult, refuse } from './result.js';

/** What GET /api/articles/:id/explain answers: why an article is under its topic. */
export interface Explanation {
  articleId: string;
  title: string;
  label: string;
  score: number;
  /** The label it beat (the runner-up) and that label's score; null with a single label. */
  beat: { label: string; score: number } | null;
  why: string;
  /** Every label's score as the model gave it and as the calibration made it, highest calibrated first. */
  labels: { label: string; raw: number; calibrated: number }[];
  /**
   * The calibration the scores were made under: learned from how many votes, and whether it
   * moved the article (its label differs from the model's own top label). Null: the model's own.
   */
  calibration: { id: string; votes: number | null; moved: boolean } | null;
  /** Own topics scored for this article: the score, the threshold it is measured against, matched or not. */
  ownTopics: { topicId: string; score: number; threshold: number; matched: boolean }[];
}

/** The explanation of one stored article; pure, so it is tested without Redis. */
export function explainArticle(
  a: TopicArticle,
  madeUnder: Pick<Calibration, 'id' | 'votes'> | null,
  current: Pick<Calibration, 'ownThresholds'> | null,
  ownTopicFallback: number,
): Explanation {
  const calibrated = a.scores ?? { [a.label]: a.score };
  const raw = a.rawScores ?? calibrated;
  const labels = Object.keys(calibrated)
    .map((label) => ({ label, raw: raw[label] ?? 0, calibrated: calibrated[label] ?? 0 }))
    .sort((x, y) => y.calibrated - x.calibrated);
  const runnerUp = labels.find((l) => l.label !== a.label);
  const calibration = a.calibration
    ? { id: a.calibration, votes: madeUnder?.votes ?? null, moved: topLabel(raw).label !== a.label }
    : null;
  return {
    articleId: a.id,
    title: a.title,
    label: a.label,
    score: a.score,
    beat: runnerUp ? { label: runnerUp.label, score: runnerUp.calibrated } : null,
    why: `${matchReason(a)}${calibration ? `; calibrated (${calibration.id}${calibration.votes === null ? '' : `, learned from ${calibration.votes} votes`})${calibration.moved ? `, which moved it from ${topLabel(raw).label}` : ''}` : ''}`,
    labels,
    calibration,
    ownTopics: Object.entries(a.ownScores ?? {}).map(([topicId, score]) => {
      const threshold = ownTopicThreshold(current, topicId, undefined, ownTopicFallback);
      return { topicId, score, threshold, matched: score >= threshold };
    }),
  };
}

export interface ExplainDeps {
  store: Pick<TopicStoreReader, 'articlesById'>;
  calibrations: { byId(id: string): Promise<Calibration | null>; current(): Promise<Calibration | null> };
  ownTopicThreshold: number;
}

/** GET /api/articles/:id/explain: 404 naming the article when it is not stored. */
export async function explain(articleId: string, deps: ExplainDeps): Promise<ApiResult> {
  const [article] = await deps.store.articlesById([articleId]);
  if (!article)
    return refuse(
      404,
      'TIDINGS_DASHBOARD_UNKNOWN_ARTICLE',
      `no stored article '${articleId}': it is not one tidings classified, or it is past RETENTION_DAYS`,
    );
  const [madeUnder, current] = await Promise.all([
    article.calibration ? deps.calibrations.byId(article.calibration) : Promise.resolve(null),
    deps.calibrations.current(),
  ]);
  return { status: 200, body: explainArticle(article, madeUnder, current, deps.ownTopicThreshold) };
}
