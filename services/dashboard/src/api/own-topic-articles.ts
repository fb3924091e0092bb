import { FEED_KEY_PATTERN, ownTopicId, type Subscription, type TopicArticle } from '@tidings/shared';
import { type SubscriptionStore, subscriptionView } from '@tidings/subscriptions';
import {
  type OwnTopicMatch,
  type OwnTopicMatches,
  recentWindowStart,
  type TopicStoreReader,
} from '@tidings/topic-store';

const byNewest = (a: TopicArticle, b: TopicArticle) =>
  b.published.localeCompare(a.published) || a.id.localeCompare(b.id);

/**
 * One subscriber's articles: the newest of the shared topics they chose and of their own
 * topics' matches, merged, newest first, at most `limit`. An article an own topic matched
 * carries `ownMatches` (the words they wrote, and that topic's score).
 */
export function mergeOwnMatches(
  shared: TopicArticle[],
  matched: TopicArticle[],
  matches: OwnTopicMatch[],
  wordsById: Map<string, string>,
  limit: number,
): TopicArticle[] {
  const byId = new Map<string, TopicArticle>();
  for (const a of [...shared, ...matched]) if (!byId.has(a.id)) byId.set(a.id, a);
  const own = new Map<string, { topic: string; score: number }[]>();
  for (const m of matches) {
    const topic = wordsById.get(m.topicId);
    if (topic === undefined || !byId.has(m.articleId)) continue;
    own.set(m.articleId, [...(own.get(m.articleId) ?? []), { topic, score: m.score }]);
  }
  return [...byId.values()]
    .map((a) => {
      const found = own.get(a.id);
      return found ? { ...a, ownMatches: found.sort((x, y) => y.score - x.score) } : a;
    })
    .sort(byNewest)
    .slice(0, limit);
}

export interface SubscriberArticlesDeps {
  store: TopicStoreReader;
  ownTopicMatches: OwnTopicMatches;
}

/** The own topics of a subscription by id, in the words the subscriber wrote. */
export function ownTopicWordsById(sub: Pick<Subscription, 'ownTopics'>): Map<string, string> {
  return new Map(sub.ownTopics.map((words) => [ownTopicId(words), words]));
}

/** What a personal feed serves: the shared topics' newest articles and the own topics' newest matches. */
export async function subscriberArticles(
  sub: Pick<Subscription, 'topics' | 'ownTopics'>,
  limit: number,
  deps: SubscriberArticlesDeps,
): Promise<TopicArticle[]> {
  const wordsById = ownTopicWordsById(sub);
  const [shared, matches] = await Promise.all([
    sub.topics.length > 0 ? deps.store.newestArticles(sub.topics, limit) : Promise.resolve([]),
    wordsById.size > 0 ? deps.ownTopicMatches.newest([...wordsById.keys()], limit) : Promise.resolve([]),
  ]);
  const have = new Set(shared.map((a) => a.id));
  const missing = [...new Set(matches.map((m) => m.articleId))].filter((id) => !have.has(id));
  const matched = await deps.store.articlesById(missing);
  return mergeOwnMatches(shared, matched, matches, wordsById, limit);
}

/** One own topic on the subscriber's page: its words, its matches since `since`, the newest of them. */
export interface OwnTopicSummary {
  topic: string;
  count: number;
  articles: TopicArticle[];
}

/** Each of a subscriber's own topics with its matches of the last days (the newest `perTopic`). */
export async function ownTopicSummaries(
  sub: Pick<Subscription, 'ownTopics'>,
  since: number,
  perTopic: number,
  deps: SubscriberArticlesDeps,
): Promise<OwnTopicSummary[]> {
  const wordsById = ownTopicWordsById(sub);
  if (wordsById.size === 0) return [];
  const ids = [...wordsById.keys()];
  const counts = await deps.ownTopicMatches.countsSince(ids, since);
  return Promise.all(
    ids.map(async (id) => {
      const matches = await deps.ownTopicMatches.newest([id], perTopic, since);
      const articles = await deps.store.articlesById(matches.map((m) => m.articleId));
      const score = new Map(matches.map((m) => [m.articleId, m.score]));
      return {
        topic: wordsById.get(id) ?? '',
        count: counts[id] ?? 0,
        articles: articles.map((a) => ({
          ...a,
          ownMatches: [{ topic: wordsById.get(id) ?? '', score: score.get(a.id) ?? 0 }],
        })),
      };
    }),
  );
}

/** Newest matches the subscriber's page lists per own topic. */
const PAGE_MATCHES = 20;

/** What the subscriber's page shows, or that the key opens nothing. */
export type SubscriberPage =
  | {
      status: 200;
      sub: Subscription;
      own: OwnTopicSummary[];
      days: number;
      feedUrl: string;
      jsonFeedUrl: string;
      unsubscribeUrl: string;
    }
  | { status: 404; message: string };

/**
 * GET /s/<key>: the subscriber's page, opened by the feed key like the feed itself: their
 * topics, their links, and each own topic's matches of the last `days` (BACKFILL_DAYS, at
 * least one), counted to the newest stored article as the backfill's window is.
 */
export async function subscriberPage(
  feedKey: string,
  deps: SubscriberArticlesDeps & { subscriptions: SubscriptionStore; baseUrl: string; ownTopicDays: number },
): Promise<SubscriberPage> {
  const sub = FEED_KEY_PATTERN.test(feedKey) ? await deps.subscriptions.byFeedKey(feedKey) : null;
  if (!sub) return { status: 404, message: 'no subscription for this key' };
  const shown = Math.max(1, deps.ownTopicDays);
  const since = (await recentWindowStart(deps.store, shown)) ?? Date.now();
  const own = await ownTopicSummaries(sub, since, PAGE_MATCHES, deps);
  const { feedUrl, jsonFeedUrl, unsubscribeUrl } = subscriptionView(sub, deps.baseUrl);
  return { status: 200, sub, own, days: shown, feedUrl, jsonFeedUrl, unsubscribeUrl };
}
