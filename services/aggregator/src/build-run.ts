import type { ArticleFailure, ClassifyResult, Run, RunManifest, TopicArticle } from '@tidings/contracts';
import { groupByTopic } from '@tidings/topic-store';

export interface BuildRunInput {
  manifest: RunManifest;
  results: ClassifyResult[];
  /** Failure reasons by article id, for children that failed every attempt. */
  failureReasons: Map<string, string>;
  finishedAt: Date;
  finalisedBy: Run['finalisedBy'];
  /** Why the run was finalised early, and the reason given to articles that never finished. */
  reason?: string;
  labelOrder?: string[];
}

/**
 * A finished run from its manifest and whatever its children returned: every article of
 * the manifest is either classified or listed as failed, so none can go missing.
 */
export function buildRun(input: BuildRunInput): Run {
  const { manifest, finishedAt } = input;
  const resultById = new Map(input.results.map((r) => [r.articleId, r]));
  const classified: TopicArticle[] = [];
  const failures: ArticleFailure[] = [];
  for (const article of manifest.articles) {
    const result = resultById.get(article.id);
    if (result) {
      classified.push({
        ...article,
        label: result.label,
        score: result.score,
        scores: result.scores,
        runId: manifest.runId,
      });
    } else {
      failures.push({
        articleId: article.id,
        title: article.title,
        reason: input.failureReasons.get(article.id) ?? input.reason ?? 'no result was recorded for this article',
      });
    }
  }
  const startedAt = new Date(manifest.startedAt);
  return {
    id: manifest.runId,
    trigger: manifest.trigger,
    feeds: manifest.feeds,
    startedAt: manifest.startedAt,
    finishedAt: finishedAt.toISOString(),
    durationMs: Math.max(0, finishedAt.getTime() - startedAt.getTime()),
    counts: {
      fetched: manifest.feeds.reduce((sum, f) => sum + f.kept, 0),
      new: manifest.articles.length,
      classified: classified.length,
      failed: failures.length,
    },
    failures,
    finalisedBy: input.finalisedBy,
    ...(input.reason ? { reason: input.reason } : {}),
    topics: groupByTopic(classified, input.labelOrder),
  };
}
