import { ALL_TOPICS_SLUG, topicSlug } from '@tidings/shared';
import { type SubscriptionStore, subscriptionView } from '@tidings/subscriptions';
import type { OwnTopicMatches, TopicStore } from '@tidings/topic-store';
import { FEED_LIMIT, type FeedMeta, feedEtag, feedUpdated, renderAtom, renderJsonFeed } from '../render/feeds.js';
import { isTopicFeedKey, topicFeedKey } from './feed-keys.js';
import { subscriberArticles } from './own-topic-articles.js';

export type FeedFormat = 'xml' | 'json';

export interface FeedResponse {
  status: 200 | 304 | 401 | 404;
  headers: Record<string, string>;
  body: string;
}

export interface FeedDeps {
  store: TopicStore;
  ownTopicMatches: OwnTopicMatches;
  subscriptions: SubscriptionStore;
  labels: string[];
  /** With a token set, topic feeds need `?key=` derived from it. */
  token: string | undefined;
  baseUrl: string;
}

export interface ConditionalHeaders {
  ifNoneMatch?: string;
  ifModifiedSince?: string;
}

const CONTENT_TYPE: Record<FeedFormat, string> = {
  xml: 'application/atom+xml; charset=utf-8',
  json: 'application/feed+json; charset=utf-8',
};

const notFound = (what: string): FeedResponse => ({
  status: 404,
  headers: { 'content-type': 'text/plain; charset=utf-8' },
  body: `no feed ${what}\n`,
});

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

function respond(
  meta: FeedMeta,
  articles: Parameters<typeof renderAtom>[1],
  format: FeedFormat,
  conditional: ConditionalHeaders,
): FeedResponse {
  const body = format === 'xml' ? renderAtom(meta, articles) : renderJsonFeed(meta, articles);
  const etag = feedEtag(body);
  const updated = feedUpdated(articles);
  const headers = {
    'content-type': CONTENT_TYPE[format],
    etag,
    'last-modified': updated.toUTCString(),
    // Readers poll; the key in the URL is a secret, so no shared cache may keep the answer.
    'cache-control': 'private, max-age=300',
  };
  const unchanged = conditional.ifNoneMatch
    ? conditional.ifNoneMatch.split(',').some((t) => t.trim() === etag)
    : conditional.ifModifiedSince !== undefined && Date.parse(conditional.ifModifiedSince) >= updated.getTime();
  return unchanged ? { status: 304, headers, body: '' } : { status: 200, headers, body };
}

/** GET /feeds/<slug>.<format>: one topic, or every topic for "all"; newest first, at most 100. */
export async function topicFeed(
  slug: string,
  format: FeedFormat,
  key: string | undefined,
  conditional: ConditionalHeaders,
  deps: FeedDeps,
): Promise<FeedResponse> {
  if (deps.token && !isTopicFeedKey(key, deps.token)) {
    return {
      status: 401,
      headers: { 'content-type': 'text/plain; charset=utf-8' },
      body: 'this feed needs ?key=<feed key>; the dashboard shows it beside each Subscribe link\n',
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
  return respond(meta, articles, format, conditional);
}

/**
 * GET /feeds/s/<key>.<format>: exactly the topics one subscriber chose, and the matches of
 * their own topics (labelled by their words and score); the key is the only credential.
 */
export async function personalFeed(
  feedKey: string,
  format: FeedFormat,
  conditional: ConditionalHeaders,
  deps: FeedDeps,
): Promise<FeedResponse> {
  const sub = /^[a-f0-9]{32}$/.test(feedKey) ? await deps.subscriptions.byFeedKey(feedKey) : null;
  if (!sub) return notFound('for this key (unsubscribed, or the key was rotated)');
  const articles = await subscriberArticles(sub, FEED_LIMIT, deps);
  const view = subscriptionView(sub, deps.baseUrl);
  const meta = {
    id: `urn:tidings:subscription:${sub.id}`,
    title: `tidings for ${sub.name}: ${[...sub.topics, ...sub.ownTopics.map((t) => `“${t}”`)].join(', ')}`,
    selfUrl: format === 'xml' ? view.feedUrl : view.jsonFeedUrl,
    dashboardUrl: deps.baseUrl,
  };
  return respond(meta, articles, format, conditional);
}
