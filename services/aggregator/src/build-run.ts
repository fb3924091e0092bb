import {
  type Article,
  type ArticleFailure,
  type ClassifyResult,
  type FeedReport,
  RUN_RECORD_ARTICLES,
  type Run,
  type RunManifest,
  type TopicArticle,
} from '@tidings/shared';
import { groupByTopic } from '@tidings/topic-store';

export interface FinishRunInput {
  /** One report per feed of the manifest, in its order. */
  feeds: FeedReport[];
  finishedAt: Date;
  finalisedBy: Run['finalisedBy'];
  /** Why the run was finalised early. */
  reason?: string;
}

const byNewest = (a: TopicArticle, b: TopicArticle) =>
  b.published.localeCompare(a.published) || a.id.localeCompare(b.id);

/**
 * A run's record, built from its articles one at a time in bounded memory: exact counts,
 * and per topic only the newest RUN_RECORD_ARTICLES articles (the store holds every one).
 */
export class RunBuilder {
  private readonly kept = new Map<string, TopicArticle[]>();
  private readonly counts: Record<string, number> = {};
  private readonly failures: ArticleFailure[] = [];
  private classified = 0;
  private failed = 0;

  constructor(
    private readonly manifest: RunManifest,
    private readonly labelOrder: string[] = [],
  ) {}

  /** Records a classified article; returns it as the store keeps it. */
  addClassified(article: Article, result: ClassifyResult): TopicArticle {
    const topicArticle: TopicArticle = {
      ...article,
      label: result.label,
      score: result.score,
      scores: result.scores,
      runId: this.manifest.runId,
    };
    this.classified += 1;
    this.counts[result.label] = (this.counts[result.label] ?? 0) + 1;
    const list = this.kept.get(result.label) ?? [];
    list.push(topicArticle);
    // Trimmed now and then rather than on every article: amortised, and still bounded.
    if (list.length >= 2 * RUN_RECORD_ARTICLES) list.sort(byNewest).splice(RUN_RECORD_ARTICLES);
    this.kept.set(result.label, list);
    return topicArticle;
  }

  addFailure(failure: ArticleFailure): void {
    this.failed += 1;
    if (this.failures.length < RUN_RECORD_ARTICLES) this.failures.push(failure);
  }

  finish(input: FinishRunInput): Run {
    const { manifest } = this;
    const startedAt = new Date(manifest.startedAt);
    return {
      id: manifest.runId,
      trigger: manifest.trigger,
      feeds: input.feeds,
      startedAt: manifest.startedAt,
      finishedAt: input.finishedAt.toISOString(),
      durationMs: Math.max(0, input.finishedAt.getTime() - startedAt.getTime()),
      counts: {
        fetched: input.feeds.reduce((sum, f) => sum + f.kept, 0),
        new: this.classified + this.failed,
        classified: this.classified,
        failed: this.failed,
      },
      failures: this.failures,
      finalisedBy: input.finalisedBy,
      ...(input.reason ? { reason: input.reason } : {}),
      topics: groupByTopic([...this.kept.values()].flat(), this.labelOrder, {
        counts: this.counts,
        keep: RUN_RECORD_ARTICLES,
      }),
    };
  }
}
