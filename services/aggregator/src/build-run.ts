import {
  type Article,
  type ArticleFailure,
  type ClassifyResult,
  type FeedReport,
  RUN_RECORD_ARTICLES,
  type Run,
  type RunManifest,
  type TopicArticle,
  UNKNOWN_VERSION,
} from '@tidings/shared';
import { groupByTopic, RUN_OWN_TOPIC_ARTICLES, type RunOwnTopics } from '@tidings/topic-store';

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
  private readonly versions: Record<string, number> = {};
  private readonly failures: ArticleFailure[] = [];
  private readonly own = new Map<string, { count: number; newest: TopicArticle[] }>();
  private classified = 0;
  private failed = 0;

  constructor(
    private readonly manifest: RunManifest,
    private readonly labelOrder: string[] = [],
    /**
     * The score that makes an article one of an own topic's matches: OWN_TOPIC_THRESHOLD, or a
     * topic's learned threshold (lowestOwnTopicThreshold); unset, none does.
     */
    private readonly ownTopicThreshold: number | ((topicId: string) => number) = Number.POSITIVE_INFINITY,
  ) {}

  /** The own topics (ids) this result's article matches, with their scores. */
  ownMatches(result: ClassifyResult): [string, number][] {
    const threshold = this.ownTopicThreshold;
    return Object.entries(result.ownScores ?? {}).filter(
      ([topicId, score]) => score >= (typeof threshold === 'number' ? threshold : threshold(topicId)),
    );
  }

  /** Records a classified article; returns it as the store keeps it. */
  addClassified(article: Article, result: ClassifyResult): TopicArticle {
    const topicArticle: TopicArticle = {
      ...article,
      label: result.label,
      score: result.score,
      scores: result.scores,
      ...(result.ownScores ? { ownScores: result.ownScores } : {}),
      ...(result.version ? { version: result.version } : {}),
      ...(result.rawScores ? { rawScores: result.rawScores } : {}),
      ...(result.calibration !== undefined ? { calibration: result.calibration } : {}),
      runId: this.manifest.runId,
    };
    const version = result.version ?? UNKNOWN_VERSION;
    this.versions[version] = (this.versions[version] ?? 0) + 1;
    for (const [topicId] of this.ownMatches(result)) {
      const entry = this.own.get(topicId) ?? { count: 0, newest: [] };
      entry.count += 1;
      entry.newest.push(topicArticle);
      if (entry.newest.length >= 2 * RUN_OWN_TOPIC_ARTICLES) entry.newest.sort(byNewest).splice(RUN_OWN_TOPIC_ARTICLES);
      this.own.set(topicId, entry);
    }
    this.classified += 1;
    this.counts[result.label] = (this.counts[result.label] ?? 0) + 1;
    const list = this.kept.get(result.label) ?? [];
    list.push(topicArticle);
    // Trimmed now and then rather than on every article: amortised, and still bounded.
    if (list.length >= 2 * RUN_RECORD_ARTICLES) list.sort(byNewest).splice(RUN_RECORD_ARTICLES);
    this.kept.set(result.label, list);
    return topicArticle;
  }

  /** What the run found per own topic: exact counts, the newest matches' ids. */
  ownTopics(): RunOwnTopics {
    return Object.fromEntries(
      [...this.own].map(([topicId, { count, newest }]) => [
        topicId,
        {
          count,
          articleIds: newest
            .sort(byNewest)
            .slice(0, RUN_OWN_TOPIC_ARTICLES)
            .map((a) => a.id),
        },
      ]),
    );
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
      versions: this.versions,
      finalisedBy: input.finalisedBy,
      ...(input.reason ? { reason: input.reason } : {}),
      topics: groupByTopic([...this.kept.values()].flat(), this.labelOrder, {
        counts: this.counts,
        keep: RUN_RECORD_ARTICLES,
      }),
    };
  }
}
