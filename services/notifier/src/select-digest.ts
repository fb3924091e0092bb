import { type DigestPayload, ownTopicId, type Run, type Subscription, type TopicGroup } from '@tidings/shared';
import type { RunOwnTopics } from '@tidings/topic-store';
import { type DigestReader, voteLinkList } from './digest-reader.js';

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
 * The subscriber's own topics this run matched, as groups named by the words they wrote,
 * each article's score being that topic's. `articles` reads the stored articles by id.
 */
export async function selectOwnTopics(
  ownTopics: RunOwnTopics,
  sub: Pick<Subscription, 'ownTopics'>,
  articles: (ids: string[]) => Promise<TopicGroup['articles']>,
): Promise<TopicGroup[]> {
  const groups: TopicGroup[] = [];
  for (const words of sub.ownTopics) {
    const id = ownTopicId(words);
    const found = ownTopics[id];
    if (!found || found.count === 0) continue;
    const stored = await articles(found.articleIds);
    groups.push({
      label: words,
      count: found.count,
      articles: stored.map((a) => ({ ...a, score: a.ownScores?.[id] ?? a.score })),
    });
  }
  return groups;
}

/**
 * The run's articles in these topics: each group's count, not the articles it lists, since a
 * run's record lists only the newest of a large topic (RUN_RECORD_ARTICLES).
 */
export function countArticles(groups: TopicGroup[]): number {
  return groups.reduce((n, g) => n + g.count, 0);
}

const digestArticles = (g: TopicGroup, reader: DigestReader | undefined, ownTopic?: string) =>
  g.articles.map((a) => ({
    title: a.title,
    link: safeLink(a.link),
    published: a.published,
    score: a.score,
    ...(reader ? { why: reader.why(a, ownTopic), feedback: voteLinkList(reader.votes(a, ownTopic)) } : {}),
  }));

/** The JSON every webhook gets: plain text fields, http(s) links only, never markup. */
export function digestPayload(
  run: Run,
  groups: TopicGroup[],
  dashboardUrl: string | null,
  ownGroups: TopicGroup[] = [],
  reader?: DigestReader,
): DigestPayload {
  return {
    type: 'digest',
    runId: run.id,
    finishedAt: run.finishedAt,
    counts: { articles: countArticles([...groups, ...ownGroups]), topics: groups.length + ownGroups.length },
    topics: groups.map((g) => ({ label: g.label, count: g.count, articles: digestArticles(g, reader) })),
    ownTopics: ownGroups.map((g) => ({ topic: g.label, count: g.count, articles: digestArticles(g, reader, g.label) })),
    dashboardUrl,
  };
}

export function digestSubject(groups: TopicGroup[]): string {
  const articles = countArticles(groups);
  return `tidings: ${articles} new article${articles === 1 ? '' : 's'} in ${groups.length} topic${groups.length === 1 ? '' : 's'}`;
}
