import { FeedError } from './errors/feed-error.js';
import { parseFeedDate } from './feed-date.js';
import { collapseSpace, htmlToText } from './html-text.js';
import { type FeedItem, longestText, resolveLink } from './read-feed-item.js';

/** JSON Feed 1.0 and 1.1 (https://jsonfeed.org/version/1.1) name themselves in `version`. */
const JSON_FEED_VERSION = /^https?:\/\/jsonfeed\.org\/version\/1(\.\d+)?\/?$/;

const text = (value: unknown): string => (typeof value === 'string' ? value : '');

/** One item of a JSON Feed; throws (a TypeError) on an item that is not an object. */
function readJsonItem(raw: unknown, base: string | undefined): FeedItem {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new TypeError('the item is not an object');
  const item = raw as Record<string, unknown>;
  const bodies = [
    htmlToText(text(item.content_html)),
    collapseSpace(text(item.content_text)),
    collapseSpace(text(item.summary)),
  ];
  const id = typeof item.id === 'number' ? String(item.id) : text(item.id);
  return {
    title: collapseSpace(text(item.title)),
    link: resolveLink(text(item.url) || text(item.external_url), base),
    id: id.trim() || undefined,
    published: parseFeedDate(text(item.date_published)),
    updated: parseFeedDate(text(item.date_modified)),
    body: longestText(bodies),
    sponsored: false,
  };
}

export interface JsonFeed {
  title: string | undefined;
  link: string | undefined;
  items: unknown[];
  readItem: (raw: unknown) => FeedItem;
}

export function readJsonFeed(json: string, feed: string, documentBase: string | undefined): JsonFeed {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch (err) {
    throw new FeedError('FEED_MALFORMED', feed, 'the JSON is malformed', { cause: err });
  }
  const document = (typeof parsed === 'object' && parsed !== null ? parsed : {}) as Record<string, unknown>;
  if (!JSON_FEED_VERSION.test(text(document.version))) {
    throw new FeedError('FEED_NOT_A_FEED', feed, 'the document is JSON but not a JSON Feed (no jsonfeed.org version)');
  }
  const link = text(document.home_page_url) ? resolveLink(text(document.home_page_url), documentBase) : undefined;
  const base = link && /^https?:/i.test(link) ? link : documentBase;
  return {
    title: text(document.title) ? collapseSpace(text(document.title)) : undefined,
    link,
    items: Array.isArray(document.items) ? document.items : [],
    readItem: (raw) => readJsonItem(raw, base),
  };
}
