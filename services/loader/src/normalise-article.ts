import { createHash } from 'node:crypto';
import type { Article } from '@tidings/shared';
import type { ItemResult } from './parse-feed.js';

/** Titles are headlines: anything longer is not one, and would bloat every page that shows it. */
export const TITLE_MAX_CHARS = 300;

const TRACKING_PARAMS = new Set([
  'fbclid',
  'gclid',
  'dclid',
  'msclkid',
  'yclid',
  'igshid',
  'mc_cid',
  'mc_eid',
  '_hsenc',
  '_hsmi',
  '__source',
  'ref_src',
  'cmpid',
  'soc_src',
  'soc_trk',
]);

export type DropReason = 'sponsored' | 'empty' | 'duplicate' | 'unreadable';

export interface NormaliseOptions {
  feed: string;
  fetchedAt: Date;
  summaryMaxChars: number;
  /** Ids already kept from earlier chunks of the same feed, so a repeat across chunks is a duplicate too. */
  seen?: Set<string>;
}

export interface NormalisedFeed {
  articles: Article[];
  dropped: Record<DropReason, number>;
}

/** Cuts at a word boundary and marks the cut, so a capped summary never ends mid-word. */
export function capText(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max - 1);
  const cutBetweenWords = /\s/.test(text[max - 1] ?? '');
  const atWord = cutBetweenWords ? cut : cut.replace(/\s+\S*$/, '');
  return `${(atWord.length > max / 2 ? atWord : cut).trimEnd()}…`;
}

/**
 * The link without tracking parameters, fragment or credentials (parseFeed has made it
 * absolute where the feed allows); "" unless it is http(s), since a javascript:, data: or file: link would run or read
 * something wherever it is shown or followed.
 */
export function canonicalLink(link: string | undefined): string {
  if (!link) return '';
  let url: URL;
  try {
    url = new URL(link.trim());
  } catch {
    return '';
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.hostname === '') return '';
  url.username = '';
  url.password = '';
  url.hash = '';
  for (const name of [...url.searchParams.keys()]) {
    if (name.toLowerCase().startsWith('utm_') || TRACKING_PARAMS.has(name.toLowerCase())) url.searchParams.delete(name);
  }
  return url.toString();
}

/**
 * A stable id: the guid when the feed gives one (scoped by site, since many publishers use
 * bare numbers), else the canonical link. Hashed so it is short and safe in job ids and keys.
 */
export function articleId(item: { guid?: string; link: string; site: string }): string {
  const source = item.guid?.trim() ? `guid:${item.site}:${item.guid.trim()}` : `link:${item.link}`;
  return createHash('sha256').update(source).digest('hex').slice(0, 20);
}

/** The item's date, else the fetch time, flagged as an estimate. */
export function publishedOrFetched(
  date: string | undefined,
  fetchedAt: Date,
): { published: string; estimated: boolean } {
  return date ? { published: date, estimated: false } : { published: fetchedAt.toISOString(), estimated: true };
}

function siteOf(link: string, feed: string): string {
  for (const candidate of [link, feed]) {
    try {
      return new URL(candidate).hostname;
    } catch {}
  }
  return feed;
}

/** What became of one item: the article it is, or why the pipeline drops it. */
export type NormalisedItem = { article: Article } | { dropped: DropReason; reason?: string };

export function normaliseItem(result: ItemResult, options: NormaliseOptions, seen: Set<string>): NormalisedItem {
  if ('unreadable' in result) return { dropped: 'unreadable', reason: result.unreadable };
  const { item } = result;
  if (item.sponsored) return { dropped: 'sponsored' };
  const title = capText(item.title, TITLE_MAX_CHARS);
  const summary = capText(item.body, options.summaryMaxChars);
  if (!title && !summary) return { dropped: 'empty' };
  const link = canonicalLink(item.link);
  const id = articleId({ guid: item.id, link: link || `${options.feed}#${title}`, site: siteOf(link, options.feed) });
  if (seen.has(id)) return { dropped: 'duplicate' };
  seen.add(id);
  const { published, estimated } = publishedOrFetched(item.published ?? item.updated, options.fetchedAt);
  return {
    article: {
      id,
      feed: options.feed,
      title,
      summary,
      link,
      published,
      publishedEstimated: estimated,
      fetchedAt: options.fetchedAt.toISOString(),
    },
  };
}

export function normaliseItems(items: ItemResult[], options: NormaliseOptions): NormalisedFeed {
  const dropped: Record<DropReason, number> = { sponsored: 0, empty: 0, duplicate: 0, unreadable: 0 };
  const seen = options.seen ?? new Set<string>();
  const articles: Article[] = [];
  for (const result of items) {
    const outcome = normaliseItem(result, options, seen);
    if ('article' in outcome) articles.push(outcome.article);
    else dropped[outcome.dropped]++;
  }
  return { articles, dropped };
}
