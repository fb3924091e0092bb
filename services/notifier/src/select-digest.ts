import type { DigestPayload, Run, TopicGroup } from '@tidings/shared';

/** A link a reader may follow: http(s) only, anything else (javascript:, data:) becomes "". */
export function safeLink(link: string): string {
  try {
    const url = new URL(link);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.toString() : '';
  } catch {
    return '';
  }
}

/** The run's topic groups a subscriber chose (every group when `topics` is undefined), largest first as stored. */
export function selectTopics(run: Run, topics: string[] | undefined): TopicGroup[] {
  return run.topics.filter((g) => g.count > 0 && (topics === undefined || topics.includes(g.label)));
}

/**
 * The run's articles in these topics: each group's count, not the articles it lists, since a
 * run's record lists only the newest of a large topic (RUN_RECORD_ARTICLES).
 */
export function countArticles(groups: TopicGroup[]): number {
  return groups.reduce((n, g) => n + g.count, 0);
}

/** The JSON every webhook gets: plain text fields, http(s) links only, never markup. */
export function digestPayload(run: Run, groups: TopicGroup[], dashboardUrl: string | null): DigestPayload {
  return {
    type: 'digest',
    runId: run.id,
    finishedAt: run.finishedAt,
    counts: { articles: countArticles(groups), topics: groups.length },
    topics: groups.map((g) => ({
      label: g.label,
      count: g.count,
      articles: g.articles.map((a) => ({
        title: a.title,
        link: safeLink(a.link),
        published: a.published,
        score: a.score,
      })),
    })),
    dashboardUrl,
  };
}

export function digestSubject(groups: TopicGroup[]): string {
  const articles = countArticles(groups);
  return `tidings: ${articles} new article${articles === 1 ? '' : 's'} in ${groups.length} topic${groups.length === 1 ? '' : 's'}`;
}
