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
 * One feed from URL or file to normalised articles; a failure becomes part of the report, not
 * a throw. The real URL is used only to fetch: the report and each article carry it masked.
 */
export async function readFeed(feed: string, options: ReadFeedOptions): Promise<ReadFeedResult> {
  const fetchedAt = options.now ?? new Date();
  const shown = maskFeedUrl(feed);
  try {
    const fetched = await fetchFeed(feed, options);
    if (fetched.status === 'not-modified') {
      return {
        report: { url: shown, status: 'not-modified', fetched: 0, kept: 0, dropped: {} },
        articles: [],
        cacheHeaders: fetched.cacheHeaders,
      };
    }
    const { text: xml, charset } = decodeFeed(fetched.body, feed, fetched.contentType);
    const parsed = await parseFeed(xml, feed);
    const { articles, dropped } = normaliseItems(parsed.items, {
      feed: shown,
      base: parsed.link && /^https?:/i.test(parsed.link) ? parsed.link : fetched.url,
      fetchedAt,
      summaryMaxChars: options.summaryMaxChars,
    });
    return {
      report: { url: shown, status: 'ok', fetched: parsed.items.length, kept: articles.length, dropped, charset },
      articles,
      cacheHeaders: fetched.cacheHeaders,
    };
  } catch (err) {
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
