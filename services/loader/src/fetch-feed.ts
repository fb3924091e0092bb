import fs from 'node:fs/promises';
import path from 'node:path';
import { FeedError } from './errors/feed-error.js';

export interface CacheHeaders {
  etag?: string;
  lastModified?: string;
}

export interface FetchFeedOptions {
  timeoutMs?: number;
  maxBytes?: number;
  maxRedirects?: number;
  retries?: number;
  /** First retry delay; doubles each time. */
  backoffMs?: number;
  cacheHeaders?: CacheHeaders;
  userAgent?: string;
}

export type FetchedFeed =
  | { status: 'ok'; body: Uint8Array; contentType: string | null; cacheHeaders: CacheHeaders; url: string }
  | { status: 'not-modified'; cacheHeaders: CacheHeaders; url: string };

export const USER_AGENT = 'tidings/0.1 (+https://github.com/tidings; finance news digest)';

const DEFAULTS = { timeoutMs: 15_000, maxBytes: 5 * 1024 * 1024, maxRedirects: 5, retries: 3, backoffMs: 500 };

export function isRemoteFeed(feed: string): boolean {
  return /^https?:\/\//i.test(feed);
}

/** Reads a feed from an http(s) URL or a local file, within the given time and size limits. */
export async function fetchFeed(feed: string, options: FetchFeedOptions = {}): Promise<FetchedFeed> {
  const opts = { ...DEFAULTS, ...options };
  if (!isRemoteFeed(feed)) return readFeedFile(feed, opts.maxBytes);
  for (let attempt = 0; ; attempt++) {
    try {
      return await fetchOnce(feed, opts);
    } catch (err) {
      if (!(err instanceof FeedError) || !err.retryable || attempt >= opts.retries) throw err;
      await new Promise((r) => setTimeout(r, opts.backoffMs * 2 ** attempt));
    }
  }
}

async function readFeedFile(file: string, maxBytes: number): Promise<FetchedFeed> {
  const resolved = path.resolve(file.replace(/^file:\/\//, ''));
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(resolved, 'r');
  } catch (err) {
    throw new FeedError('FEED_FILE_NOT_FOUND', file, `cannot open the file (${(err as NodeJS.ErrnoException).code})`, {
      cause: err,
    });
  }
  try {
    const { size } = await handle.stat();
    if (size > maxBytes) throw tooLarge(file, maxBytes);
    const body = new Uint8Array(size);
    await handle.read(body, 0, size, 0);
    return { status: 'ok', body, contentType: null, cacheHeaders: {}, url: resolved };
  } finally {
    await handle.close();
  }
}

function tooLarge(feed: string, maxBytes: number): FeedError {
  return new FeedError(
    'FEED_TOO_LARGE',
    feed,
    `the body is larger than FETCH_MAX_BYTES (${maxBytes} bytes); raise it if this feed is really that large`,
  );
}

async function fetchOnce(feed: string, opts: typeof DEFAULTS & FetchFeedOptions): Promise<FetchedFeed> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), opts.timeoutMs);
  try {
    let url = feed;
    for (let hop = 0; ; hop++) {
      const headers: Record<string, string> = {
        'user-agent': opts.userAgent ?? USER_AGENT,
        accept:
          'application/rss+xml, application/atom+xml, application/rdf+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.1',
        'accept-encoding': 'gzip, deflate',
      };
      if (opts.cacheHeaders?.etag) headers['if-none-match'] = opts.cacheHeaders.etag;
      if (opts.cacheHeaders?.lastModified) headers['if-modified-since'] = opts.cacheHeaders.lastModified;
      const response = await fetch(url, { headers, redirect: 'manual', signal: controller.signal });
      if (response.status >= 300 && response.status < 400 && response.status !== 304) {
        await response.body?.cancel();
        const location = response.headers.get('location');
        if (!location) throw new FeedError('FEED_HTTP_STATUS', feed, `redirect ${response.status} without a Location`);
        if (hop >= opts.maxRedirects) {
          throw new FeedError(
            'FEED_TOO_MANY_REDIRECTS',
            feed,
            `more than ${opts.maxRedirects} redirects (last to ${location})`,
          );
        }
        url = new URL(location, url).toString();
        continue;
      }
      if (response.status === 304) {
        await response.body?.cancel();
        return { status: 'not-modified', cacheHeaders: opts.cacheHeaders ?? {}, url };
      }
      if (!response.ok) {
        await response.body?.cancel();
        throw new FeedError('FEED_HTTP_STATUS', feed, `HTTP ${response.status} ${response.statusText}`.trim(), {
          status: response.status,
        });
      }
      const body = await readCapped(response, feed, opts.maxBytes);
      const cacheHeaders: CacheHeaders = {};
      const etag = response.headers.get('etag');
      const lastModified = response.headers.get('last-modified');
      if (etag) cacheHeaders.etag = etag;
      if (lastModified) cacheHeaders.lastModified = lastModified;
      return { status: 'ok', body, contentType: response.headers.get('content-type'), cacheHeaders, url };
    }
  } catch (err) {
    if (err instanceof FeedError) throw err;
    if (controller.signal.aborted) {
      throw new FeedError('FEED_TIMEOUT', feed, `no complete answer within ${opts.timeoutMs} ms`, { cause: err });
    }
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    throw new FeedError(
      'FEED_NETWORK',
      feed,
      `network error: ${cause?.code ?? cause?.message ?? (err as Error).message}`,
      {
        cause: err,
      },
    );
  } finally {
    clearTimeout(timer);
  }
}

/** Stops reading as soon as the body passes the cap, so a huge or endless body costs no memory. */
async function readCapped(response: Response, feed: string, maxBytes: number): Promise<Uint8Array> {
  const declared = Number(response.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes && !response.headers.get('content-encoding')) {
    await response.body?.cancel();
    throw tooLarge(feed, maxBytes);
  }
  const chunks: Uint8Array[] = [];
  let total = 0;
  if (!response.body) return new Uint8Array();
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel();
      throw tooLarge(feed, maxBytes);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}
