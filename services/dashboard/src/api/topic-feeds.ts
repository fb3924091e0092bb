import type { OpmlFeed } from '@tidings/feed-list';
import { type CalibrationStore, type FeedbackStore, ownTopicThreshold } from '@tidings/feedback';
import {
  ALL_TOPICS_SLUG,
  type ArticleVoteLinks,
  articleVoteLinks,
  FEED_FORMAT_NAMES,
  FEED_KEY_PATTERN,
  type FeedExtension,
  type FeedFormat,
  feedExtension,
  topicFeedUrl as feedUrl,
  ownTopicId,
  personalFeedUrl,
  type TopicArticle,
  topicFeedKey,
  topicSlug,
} from '@tidings/shared';
import { type SubscriptionStore, subscriptionView } from '@tidings/subscriptions';
import type { OwnTopicMatches, TopicStoreReader } from '@tidings/topic-store';
import { isTopicFeedKey } from './feed-keys.js';
import { subscriberArticles } from './own-topic-articles.js';

/** At most this many entries a feed: readers poll, they do not page. */
export const FEED_LIMIT = 100;

/** What a feed document says about itself. */
export interface FeedMeta {
  /** Stable across renders: `urn:tidings:feed:<slug>` or `urn:tidings:subscription:<id>`. */
  id: string;
  title: string;
  /**
   * This document's own URL, as a reader fetched it (with its key, if any): a reader that
   * subscribed at a former extension keeps the URL its WebSub subscription names.
   */
  selfUrl: string;
  dashboardUrl: string;
  /** WebSub hubs this feed names (rel="hub"); empty when it is not published to one. */
  hubs: string[];
  /** A personal feed's reader: each entry's vote links (signed for them), and the own-topic threshold its "why" names. */
  reader?: { votes: (a: TopicArticle) => ArticleVoteLinks; ownThreshold: (ownTopic: string) => number };
}

/** A feed's content, newest first, for the route to render as Atom or JSON Feed; or why there is none. */
export type FeedResult =
  | { status: 200; meta: FeedMeta; articles: TopicArticle[] }
  | { status: 401 | 404; message: string };

/** An OPML subscription list's outlines, for the route to render; or why there is none. */
export type FeedListResult = { status: 200; title: string; feeds: OpmlFeed[] } | { status: 401 | 404; message: string };

export interface FeedDeps {
  store: TopicStoreReader;
  ownTopicMatches: OwnTopicMatches;
  subscriptions: SubscriptionStore;
  labels: string[];
  /** With a token set, topic feeds need `?key=` derived from it. */
  token: string | undefined;
  baseUrl: string;
  /** WebSub hubs (WEBSUB_HUB_URLS) the topic feeds name; the notifier pings them after each run. */
  hubs: string[];
  /** OWN_TOPIC_THRESHOLD, named in a personal feed's "why" of an own topic's match unless a calibration learned one. */
  ownTopicThreshold: number;
  /** BACKFILL_DAYS: the days of own-topic matches the subscriber's page lists. */
  ownTopicDays: number;
  calibrations: Pick<CalibrationStore, 'current'>;
  /** Readers' verdicts per topic: the subscriber's page shows each own topic's. */
  feedback: Pick<FeedbackStore, 'topicStats'>;
}

const notFound = (what: string) => ({ status: 404 as const, message: `no feed ${what}` });

const keyRequired = {
  status: 401 as const,
  message: 'this feed needs ?key=<feed key>; the dashboard shows it beside each Subscribe link',
};

/** A topic feed's URL as a reader subscribes to it: absolute, with the key when one is needed. */
export function topicFeedUrl(
  deps: Pick<FeedDeps, 'baseUrl' | 'token'>,
  slug: string,
  extension: FeedExtension,
): string {
  return feedUrl(deps.baseUrl, deps.token, slug, extension);
}

/** Every feed link the page offers, with the key when the topic feeds need one. */
export function subscribeLinks(deps: Pick<FeedDeps, 'baseUrl' | 'token' | 'labels'>) {
  const everyFormat = (slug: string) =>
    Object.fromEntries(FEED_FORMAT_NAMES.map((f) => [f, topicFeedUrl(deps, slug, feedExtension(f))])) as Record<
      FeedFormat,
      string
    >;
  const opml = new URL('feeds.opml', deps.baseUrl);
  if (deps.token) opml.searchParams.set('key', topicFeedKey(deps.token));
  return {
    all: everyFormat(ALL_TOPICS_SLUG),
    opml: opml.toString(),
    byLabel: Object.fromEntries(deps.labels.map((l) => [l, everyFormat(topicSlug(l))])),
    ...(deps.token ? { key: topicFeedKey(deps.token) } : {}),
    labels: deps.labels,
  };
}

/** GET /feeds/<slug>.<extension>: one topic, or every topic for "all"; newest first, at most 100. */
export async function topicFeed(
  slug: string,
  extension: FeedExtension,
  key: string | undefined,
  deps: FeedDeps,
): Promise<FeedResult> {
  if (deps.token && !isTopicFeedKey(key, deps.token)) return keyRequired;
  const labels = slug === ALL_TOPICS_SLUG ? deps.labels : deps.labels.filter((l) => topicSlug(l) === slug);
  if (labels.length === 0) return notFound(`'${slug}'; topics: ${deps.labels.map(topicSlug).join(', ')}, all`);
  const title = slug === ALL_TOPICS_SLUG ? 'tidings: every topic' : `tidings: ${labels[0]}`;
  const articles = await deps.store.newestArticles(labels, FEED_LIMIT);
  const meta = {
    id: `urn:tidings:feed:${slug}`,
    title,
    selfUrl: topicFeedUrl(deps, slug, extension),
    dashboardUrl: deps.baseUrl,
    hubs: deps.hubs,
  };
  return { status: 200, meta, articles };
}

/**
 * GET /feeds/s/<key>.<extension>: exactly the topics one subscriber chose, and the matches of
 * their own topics (labelled by their words and score); the key is the only credential.
 */
export async function personalFeed(feedKey: string, extension: FeedExtension, deps: FeedDeps): Promise<FeedResult> {
  const sub = FEED_KEY_PATTERN.test(feedKey) ? await deps.subscriptions.byFeedKey(feedKey) : null;
  if (!sub) return notFound('for this key (unsubscribed, or the key was rotated)');
  const [articles, calibration] = await Promise.all([
    subscriberArticles(sub, FEED_LIMIT, deps),
    deps.calibrations.current(),
  ]);
  const meta = {
    id: `urn:tidings:subscription:${sub.id}`,
    title: `tidings for ${sub.name}: ${[...sub.topics, ...sub.ownTopics.map((t) => `“${t}”`)].join(', ')}`,
    selfUrl: personalFeedUrl(deps.baseUrl, sub.feedKey, extension),
    dashboardUrl: deps.baseUrl,
    // No hub: a personal feed's URL is its subscriber's credential, not something to hand a hub.
    hubs: [],
    reader: {
      votes: (a: TopicArticle) =>
        articleVoteLinks(
          deps.baseUrl,
          sub,
          a,
          (a.ownMatches ?? []).map((m) => ({ topic: m.topic, topicId: ownTopicId(m.topic) })),
        ),
      ownThreshold: (ownTopic: string) =>
        ownTopicThreshold(calibration, ownTopicId(ownTopic), sub.id, deps.ownTopicThreshold),
    },
  };
  return { status: 200, meta, articles };
}

/**
 * Every topic's Atom feed as the outlines of one OPML list, for a reader's "import OPML": one
 * a topic (not "all", which would repeat every article once more), keyed when a token is set.
 */
export function topicFeedOutlines(deps: Pick<FeedDeps, 'baseUrl' | 'token' | 'labels'>): OpmlFeed[] {
  return deps.labels.map((label) => ({
    url: topicFeedUrl(deps, topicSlug(label), feedExtension('atom')),
    title: `tidings: ${label}`,
    htmlUrl: deps.baseUrl,
  }));
}

/** GET /feeds.opml: every topic feed; with a token, the topic feeds' key opens it and is in every URL. */
export function topicFeedList(key: string | undefined, deps: FeedDeps): FeedListResult {
  if (deps.token && !isTopicFeedKey(key, deps.token)) return keyRequired;
  return { status: 200, title: 'tidings: every topic', feeds: topicFeedOutlines(deps) };
}

/** GET /feeds/s/<key>.opml: one subscriber's own feed as an OPML list, for readers that import only OPML. */
export async function personalFeedList(feedKey: string, deps: FeedDeps): Promise<FeedListResult> {
  const sub = FEED_KEY_PATTERN.test(feedKey) ? await deps.subscriptions.byFeedKey(feedKey) : null;
  if (!sub) return notFound('for this key (unsubscribed, or the key was rotated)');
  const title = `tidings for ${sub.name}: ${sub.topics.join(', ')}`;
  return {
    status: 200,
    title,
    feeds: [{ url: subscriptionView(sub, deps.baseUrl).feedUrl, title, htmlUrl: deps.baseUrl }],
  };
}
