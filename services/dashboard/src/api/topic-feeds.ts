import { ALL_TOPICS_SLUG, FEED_KEY_PATTERN, type TopicArticle, topicSlug } from '@tidings/shared';
import { type SubscriptionStore, subscriptionView } from '@tidings/subscriptions';
import type { OwnTopicMatches, TopicStoreReader } from '@tidings/topic-store';
import { isTopicFeedKey, topicFeedKey } from './feed-keys.js';
import { subscriberArticles } from './own-topic-articles.js';

export type FeedFormat = 'xml' | 'json';

/** At most this many entries a feed: readers poll, they do not page. */
export const FEED_LIMIT = 100;

/** What a feed document says about itself. */
export interface FeedMeta {
  /** Stable across renders: `urn:tidings:feed:<slug>` or `urn:tidings:subscription:<id>`. */
  id: string;
  title: string;
  /** This document's own URL, as a reader fetched it (with its key, if any). */
  selfUrl: string;
  dashboardUrl: string;
}

/** A feed's content, newest first, for the route to render as Atom or JSON Feed; or why there is none. */
export type FeedResult =
  | { status: 200; meta: FeedMeta; articles: TopicArticle[] }
  | { status: 401 | 404; message: string };

export interface FeedDeps {
  store: TopicStoreReader;
  ownTopicMatches: OwnTopicMatches;
  subscriptions: SubscriptionStore;
  labels: string[];
  /** With a token set, topic feeds need `?key=` derived from it. */
  token: string | undefined;
  baseUrl: string;
}

const notFound = (what: string): FeedResult => ({ status: 404, message: `no feed ${what}` });

/** A topic feed's URL as a reader subscribes to it: absolute, with the key when one is needed. */
export function topicFeedUrl(deps: Pick<FeedDeps, 'baseUrl' | 'token'>, slug: string, format: FeedFormat): string {
  const url = new URL(`feeds/${slug}.${format}`, deps.baseUrl);
  if (deps.token) url.searchParams.set('key', topicFeedKey(deps.token));
  return url.toString();
}

/** Every feed link the page offers, with the key when the topic feeds need one. */
export function subscribeLinks(deps: Pick<FeedDeps, 'baseUrl' | 'token' | 'labels'>) {
  const both = (slug: string) => ({ atom: topicFeedUrl(deps, slug, 'xml'), json: topicFeedUrl(deps, slug, 'json') });
  return {
    all: both(ALL_TOPICS_SLUG),
    byLabel: Object.fromEntries(deps.labels.map((l) => [l, both(topicSlug(l))])),
    ...(deps.token ? { key: topicFeedKey(deps.token) } : {}),
    labels: deps.labels,
  };
}

/** GET /feeds/<slug>.<format>: one topic, or every topic for "all"; newest first, at most 100. */
export async function topicFeed(
  slug: string,
  format: FeedFormat,
  key: string | undefined,
  deps: FeedDeps,
): Promise<FeedResult> {
  if (deps.token && !isTopicFeedKey(key, deps.token)) {
    return {
      status: 401,
      message: 'this feed needs ?key=<feed key>; the dashboard shows it beside each Subscribe link',
    };
  }
  const labels = slug === ALL_TOPICS_SLUG ? deps.labels : deps.labels.filter((l) => topicSlug(l) === slug);
  if (labels.length === 0) return notFound(`'${slug}'; topics: ${deps.labels.map(topicSlug).join(', ')}, all`);
  const title = slug === ALL_TOPICS_SLUG ? 'tidings: every topic' : `tidings: ${labels[0]}`;
  const articles = await deps.store.newestArticles(labels, FEED_LIMIT);
  const meta = {
    id: `urn:tidings:feed:${slug}`,
    title,
    selfUrl: topicFeedUrl(deps, slug, format),
    dashboardUrl: deps.baseUrl,
  };
  return { status: 200, meta, articles };
}

/**
 * GET /feeds/s/<key>.<format>: exactly the topics one subscriber chose, and the matches of
 * their own topics (labelled by their words and score); the key is the only credential.
 */
export async function personalFeed(feedKey: string, format: FeedFormat, deps: FeedDeps): Promise<FeedResult> {
  const sub = FEED_KEY_PATTERN.test(feedKey) ? await deps.subscriptions.byFeedKey(feedKey) : null;
  if (!sub) return notFound('for this key (unsubscribed, or the key was rotated)');
  const articles = await subscriberArticles(sub, FEED_LIMIT, deps);
  const view = subscriptionView(sub, deps.baseUrl);
  const meta = {
    id: `urn:tidings:subscription:${sub.id}`,
    title: `tidings for ${sub.name}: ${[...sub.topics, ...sub.ownTopics.map((t) => `“${t}”`)].join(', ')}`,
    selfUrl: format === 'xml' ? view.feedUrl : view.jsonFeedUrl,
    dashboardUrl: deps.baseUrl,
  };
  return { status: 200, meta, articles };
}
