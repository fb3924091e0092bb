import { type Article, type FeedReport, maskFeedUrl } from '@tidings/shared';
import { decodeFeed } from './decode-feed.js';
import { FeedError } from './errors/feed-error.js';
import { type CacheHeaders, type FetchFeedOptions, fetchFeed } from './fetch-feed.js';
import { normaliseItems } from './normalise-article.js';
import { parseFeed } from './parse-feed.js';

export interface ReadFeedOptions extends FetchFeedOptions {
  summaryMaxChars: number;
  now?: Date;
}

export interface ReadFeedResult {
  report: FeedReport;
  articles: Article[];
  /** Cache headers to store once the run is safely enqueued. */
  cacheHeaders: CacheHeaders;
  /** The failure in full, for the operator's log; the report carries only what anyone may read. */
  error?: Error;
}

/**
 * Items parsed, normalised and handed on at a time: a feed of any size is read with the parse
 * trees and articles of one chunk in memory, not the whole feed's (docs/performance.md, Scale).
 */
export const PARSE_CHUNK = 250;

/** A report names the first few well-formedness errors read past: enough to find and fix them. */
const MAX_WARNINGS = 5;

/**
 * One feed from URL or file to normalised articles; a failure becomes part of the report, not
 * a throw. The real URL is used only to fetch: the report and each article carry it masked.
 * With `onArticles`, each chunk of articles goes to it as soon as it is normalised and the
 * result's `articles` stays empty; what `onArticles` throws is not the feed's failure, so it
 * is thrown on rather than reported.
 */
export async function readFeed(
  feed: string,
  options: ReadFeedOptions,
  onArticles?: (articles: Article[]) => Promise<void>,
): Promise<ReadFeedResult> {
  const fetchedAt = options.now ?? new Date();
  const shown = maskFeedUrl(feed);
  const collected: Article[] = [];
  const handOn =
    onArticles ??
    (async (articles: Article[]) => {
      collected.push(...articles);
    });
  let handingOn = false;
  try {
    const fetched = await fetchFeed(feed, options);
    if (fetched.status === 'not-modified') {
      return {
        report: { url: shown, status: 'not-modified', fetched: 0, kept: 0, dropped: {} },
        articles: [],
        cacheHeaders: fetched.cacheHeaders,
      };
    }
    const { text, charset } = decodeFeed(fetched.body, fetched.contentType);
    const parsed = parseFeed(text, feed, { itemsPerChunk: PARSE_CHUNK, documentUrl: fetched.url });
    const normalise = { feed: shown, fetchedAt, summaryMaxChars: options.summaryMaxChars, seen: new Set<string>() };
    const counts = { fetched: 0, kept: 0 };
    const dropped: Record<string, number> = {};
    for (const items of parsed.chunks) {
      const chunk = normaliseItems(items, normalise);
      counts.fetched += items.length;
      counts.kept += chunk.articles.length;
      for (const [reason, n] of Object.entries(chunk.dropped)) dropped[reason] = (dropped[reason] ?? 0) + n;
      if (chunk.articles.length === 0) continue;
      handingOn = true;
      await handOn(chunk.articles);
      handingOn = false;
    }
    const warnings = parsed.warnings.length > 0 ? { warnings: parsed.warnings.slice(0, MAX_WARNINGS) } : {};
    return {
      report: { url: shown, status: 'ok', ...counts, dropped, charset, ...warnings },
      articles: collected,
      cacheHeaders: fetched.cacheHeaders,
    };
  } catch (err) {
    if (handingOn) throw err;
    const error =
      err instanceof FeedError
        ? { code: err.code, message: err.reportMessage }
        : { code: 'FEED_UNEXPECTED', message: `${shown}: an unexpected error while reading the feed` };
    return {
      report: { url: shown, status: 'failed', fetched: 0, kept: 0, dropped: {}, error },
      articles: [],
      cacheHeaders: {},
      error: err instanceof Error ? err : new Error(String(err)),
    };
  }
}
