import { createHash } from 'node:crypto';
import type { Article } from '@tidings/shared';
import { decodeHTML } from 'entities';
import type { RawFeedItem } from './parse-feed.js';

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

export type DropReason = 'sponsored' | 'empty' | 'duplicate';

export interface NormaliseOptions {
  feed: string;
  /** The feed's own link, for resolving relative item links. */
  base?: string;
  fetchedAt: Date;
  summaryMaxChars: number;
  /** Ids already kept from earlier chunks of the same feed, so a repeat across chunks is a duplicate too. */
  seen?: Set<string>;
}

export interface NormalisedFeed {
  articles: Article[];
  dropped: Record<DropReason, number>;
}

/** Text of an HTML fragment: tags removed, entities decoded, whitespace collapsed. */
export function cleanText(html: string | undefined): string {
  if (!html) return '';
  const withoutMarkup = html
    .replace(/<(script|style)[\s\S]*?<\/\1\s*>/gi, ' ')
    .replace(/<!--[\s\S]*?-->/g, ' ')
    .replace(/<\/?[a-zA-Z][^>]*>/g, ' ');
  return decodeHTML(withoutMarkup).replace(/\s+/g, ' ').trim();
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
 * The link without tracking parameters, fragment or credentials, resolved against the feed's
 * link; "" unless it is http(s), since a javascript:, data: or file: link would run or read
 * something wherever it is shown or followed.
 */
export function canonicalLink(link: string | undefined, base?: string): string {
  if (!link) return '';
  let url: URL;
  try {
    url = new URL(link.trim(), base);
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

export function parsePublished(raw: string | undefined, fetchedAt: Date): { published: string; estimated: boolean } {
  const time = raw ? Date.parse(raw.trim()) : Number.NaN;
  if (Number.isNaN(time)) return { published: fetchedAt.toISOString(), estimated: true };
  return { published: new Date(time).toISOString(), estimated: false };
}

function siteOf(link: string, feed: string): string {
  for (const candidate of [link, feed]) {
    try {
      return new URL(candidate).hostname;
    } catch {}
  }
  return feed;
}

export function normaliseItems(items: RawFeedItem[], options: NormaliseOptions): NormalisedFeed {
  const dropped: Record<DropReason, number> = { sponsored: 0, empty: 0, duplicate: 0 };
  const seen = options.seen ?? new Set<string>();
  const articles: Article[] = [];
  for (const item of items) {
    if (
      String(item['metadata:sponsored'] ?? '')
        .trim()
        .toLowerCase() === 'true'
    ) {
      dropped.sponsored++;
      continue;
    }
    const title = capText(cleanText(item.title), TITLE_MAX_CHARS);
    const summary = capText(cleanText(item.content ?? item.summary), options.summaryMaxChars);
    if (!title && !summary) {
      dropped.empty++;
      continue;
    }
    const link = canonicalLink(item.link, options.base ?? options.feed);
    const guid = typeof item.guid === 'string' ? item.guid : item.id;
    const id = articleId({ guid, link: link || `${options.feed}#${title}`, site: siteOf(link, options.feed) });
    if (seen.has(id)) {
      dropped.duplicate++;
      continue;
    }
    seen.add(id);
    const { published, estimated } = parsePublished(item.isoDate ?? item.pubDate ?? item['dc:date'], options.fetchedAt);
    articles.push({
      id,
      feed: options.feed,
      title,
      summary,
      link,
      published,
      publishedEstimated: estimated,
      fetchedAt: options.fetchedAt.toISOString(),
    });
  }
  return { articles, dropped };
}
