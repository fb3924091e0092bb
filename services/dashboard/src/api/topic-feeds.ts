import { formatOpml } from '@tidings/feed-list';
import { ALL_TOPICS_SLUG, type FeedFormat, topicFeedUrl as feedUrl, topicFeedKey, topicSlug } from '@tidings/shared';
import { type SubscriptionStore, subscriptionView } from '@tidings/subscriptions';
import type { TopicStore } from '@tidings/topic-store';
import { FEED_LIMIT, type FeedMeta, feedEtag, feedUpdated, renderAtom, renderJsonFeed } from '../render/feeds.js';
import { topicFeedsOpml } from '../render/opml.js';
import { isTopicFeedKey } from './feed-keys.js';

export type { FeedFormat };

export interface FeedResponse {
  status: 200 | 304 | 401 | 404;
  headers: Record<string, string>;
  body: string;
}

export interface FeedDeps {
  store: TopicStore;
  subscriptions: SubscriptionStore;
  labels: string[];
  /** With a token set, topic feeds need `?key=` derived from it. */
  token: string | undefined;
  baseUrl: string;
  /** WebSub hubs (WEBSUB_HUB_URLS) the topic feeds name; the notifier pings them after each run. */
  hubs: string[];
}

export interface ConditionalHeaders {
  ifNoneMatch?: string;
  ifModifiedSince?: string;
}

const CONTENT_TYPE: Record<FeedFormat, string> = {
  xml: 'application/atom+xml; charset=utf-8',
  json: 'application/feed+json; charset=utf-8',
};

const keyRequired: FeedResponse = {
  status: 401,
  headers: { 'content-type': 'text/plain; charset=utf-8' },
  body: 'this feed needs ?key=<feed key>; the dashboard shows it beside each Subscribe link\n',
};

const OPML_HEADERS = { 'content-type': 'text/x-opml; charset=utf-8', 'cache-control': 'private, max-age=300' };

const notFound = (what: string): FeedResponse => ({
  status: 404,
  headers: { 'content-type': 'text/plain; charset=utf-8' },
  body: `no feed ${what}\n`,
});

/** A topic feed's URL as a reader subscribes to it: absolute, with the key when one is needed. */
export function topicFeedUrl(deps: Pick<FeedDeps, 'baseUrl' | 'token'>, slug: string, format: FeedFormat): string {
  return feedUrl(deps.baseUrl, deps.token, slug, format);
}

/** Every feed link the page offers, with the key when the topic feeds need one. */
export function subscribeLinks(deps: Pick<FeedDeps, 'baseUrl' | 'token' | 'labels'>) {
  const both = (slug: string) => ({ atom: topicFeedUrl(deps, slug, 'xml'), json: topicFeedUrl(deps, slug, 'json') });
  const opml = new URL('feeds.opml', deps.baseUrl);
  if (deps.token) opml.searchParams.set('key', topicFeedKey(deps.token));
  return {
    all: both(ALL_TOPICS_SLUG),
    opml: opml.toString(),
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
  // WebSub discovery (and RFC 8288) for readers that look at headers rather than the document.
  const links = [...meta.hubs.map((hub) => `<${hub}>; rel="hub"`), `<${meta.selfUrl}>; rel="self"`];
  const headers = {
    'content-type': CONTENT_TYPE[format],
    link: links.join(', '),
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
  if (deps.token && !isTopicFeedKey(key, deps.token)) return keyRequired;
  const labels = slug === ALL_TOPICS_SLUG ? deps.labels : deps.labels.filter((l) => topicSlug(l) === slug);
  if (labels.length === 0) return notFound(`'${slug}'; topics: ${deps.labels.map(topicSlug).join(', ')}, all`);
  const title = slug === ALL_TOPICS_SLUG ? 'tidings: every topic' : `tidings: ${labels[0]}`;
  const articles = await deps.store.newestArticles(labels, FEED_LIMIT);
  const meta = {
    id: `urn:tidings:feed:${slug}`,
    title,
    selfUrl: topicFeedUrl(deps, slug, format),
    dashboardUrl: deps.baseUrl,
    hubs: deps.hubs,
  };
  return respond(meta, articles, format, conditional);
}

/** GET /feeds/s/<key>.<format>: exactly the topics one subscriber chose; the key is the only credential. */
export async function personalFeed(
  feedKey: string,
  format: FeedFormat,
  conditional: ConditionalHeaders,
  deps: FeedDeps,
): Promise<FeedResponse> {
  const sub = /^[a-f0-9]{32}$/.test(feedKey) ? await deps.subscriptions.byFeedKey(feedKey) : null;
  if (!sub) return notFound('for this key (unsubscribed, or the key was rotated)');
  const articles = await deps.store.newestArticles(sub.topics, FEED_LIMIT);
  const view = subscriptionView(sub, deps.baseUrl);
  const meta = {
    id: `urn:tidings:subscription:${sub.id}`,
    title: `tidings for ${sub.name}: ${sub.topics.join(', ')}`,
    selfUrl: format === 'xml' ? view.feedUrl : view.jsonFeedUrl,
    dashboardUrl: deps.baseUrl,
    // No hub: a personal feed's URL is its subscriber's credential, not something to hand a hub.
    hubs: [],
  };
  return respond(meta, articles, format, conditional);
}

/** GET /feeds.opml: every topic feed for a reader's OPML import; with a token, the key opens it and is in every URL. */
export function topicFeedsOpmlFile(key: string | undefined, deps: FeedDeps): FeedResponse {
  if (deps.token && !isTopicFeedKey(key, deps.token)) return keyRequired;
  return { status: 200, headers: OPML_HEADERS, body: topicFeedsOpml(deps) };
}

/** GET /feeds/s/<key>.opml: one subscriber's own feed as an OPML list, for readers that import only OPML. */
export async function personalOpml(feedKey: string, deps: FeedDeps): Promise<FeedResponse> {
  const sub = /^[a-f0-9]{32}$/.test(feedKey) ? await deps.subscriptions.byFeedKey(feedKey) : null;
  if (!sub) return notFound('for this key (unsubscribed, or the key was rotated)');
  const view = subscriptionView(sub, deps.baseUrl);
  const title = `tidings for ${sub.name}: ${sub.topics.join(', ')}`;
  return {
    status: 200,
    headers: OPML_HEADERS,
    body: formatOpml([{ url: view.feedUrl, title, htmlUrl: deps.baseUrl }], title),
  };
}
