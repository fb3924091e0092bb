import { type Article, maskFeedUrl } from '@tidings/shared';
import { type DecodedFeed, decodeFeed } from './decode-feed.js';
import { FeedError } from './errors/feed-error.js';
import type { FeedFormat } from './feed-formats.js';
import { type FetchFeedOptions, fetchFeed } from './fetch-feed.js';
import { type DropReason, normaliseItem } from './normalise-article.js';
import { parseFeed } from './parse-feed.js';

/** An item as the pipeline would store it, or why it would drop it (with what little it has to show). */
export type InspectedItem = Article | { dropped: DropReason; reason?: string; title?: string; link?: string };

export type InspectedFeed =
  | {
      feed: string;
      format: FeedFormat;
      title: string | undefined;
      charset: DecodedFeed['charset'];
      warnings: string[];
      items: InspectedItem[];
    }
  | { feed: string; error: { code: string; message: string } };

/**
 * One feed read as the loader reads it, every item kept with its outcome: what an operator
 * runs (`tidings parse --json`) to see why a feed misbehaves. Nothing is claimed or enqueued.
 */
export async function inspectFeed(
  feed: string,
  options: FetchFeedOptions & { summaryMaxChars: number; now?: Date },
): Promise<InspectedFeed> {
  const shown = maskFeedUrl(feed);
  try {
    const fetched = await fetchFeed(feed, { ...options, cacheHeaders: {} });
    if (fetched.status !== 'ok') throw new Error('a fetch without cache headers answered not-modified');
    const { text, charset } = decodeFeed(fetched.body, fetched.contentType);
    const parsed = parseFeed(text, feed, { documentUrl: fetched.url });
    const normalise = { feed: shown, fetchedAt: options.now ?? new Date(), summaryMaxChars: options.summaryMaxChars };
    const seen = new Set<string>();
    const items: InspectedItem[] = [];
    for (const chunk of parsed.chunks) {
      for (const result of chunk) {
        const outcome = normaliseItem(result, normalise, seen);
        if ('article' in outcome) items.push(outcome.article);
        else if ('item' in result) items.push({ ...outcome, title: result.item.title, link: result.item.link });
        else items.push(outcome);
      }
    }
    return { feed: shown, format: parsed.format, title: parsed.title, charset, warnings: [...parsed.warnings], items };
  } catch (err) {
    if (err instanceof FeedError) return { feed: shown, error: { code: err.code, message: err.reportMessage } };
    throw err;
  }
}
