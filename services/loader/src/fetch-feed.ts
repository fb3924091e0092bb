import fs from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import path from 'node:path';
import type { Readable } from 'node:stream';
import zlib from 'node:zlib';
import { type AddressPolicy, AddressRefused, guardedLookup } from '@tidings/runtime';
import { maskFeedUrl } from '@tidings/shared';
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
  /**
   * For a feed someone other than the operator named: only http(s), never a local file, and
   * every address (first request and each redirect, after DNS) must pass this policy.
   */
  untrusted?: { addressPolicy?: AddressPolicy };
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
  const opts = { ...DEFAULTS, ...options, addressPolicy: options.untrusted?.addressPolicy };
  if (!isRemoteFeed(feed)) {
    if (options.untrusted) {
      throw new FeedError(
        'FEED_NOT_ALLOWED',
        feed,
        'not an http(s) URL; a local file is read only when FEED_URLS names it or `tidings run` asks for it',
      );
    }
    return readFeedFile(feed, opts.maxBytes);
  }
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

interface Answer {
  status: number;
  statusText: string;
  headers: http.IncomingHttpHeaders;
  body: Readable;
}

/**
 * One HTTP request. node:http rather than fetch, because only it lets the connection use our
 * own DNS lookup: with an address policy, every address is checked as the socket connects.
 */
function request(url: URL, headers: Record<string, string>, signal: AbortSignal, policy?: AddressPolicy) {
  const transport = url.protocol === 'https:' ? https : http;
  return new Promise<Answer>((resolve, reject) => {
    const req = transport.request(url, {
      headers,
      signal,
      // A fresh socket every time: a pooled one, opened for an operator's feed to a private
      // host, would let a request's feed to the same host skip the lookup and its check.
      agent: false,
      ...(policy ? { lookup: guardedLookup(policy) } : {}),
    });
    req.once('error', reject);
    req.once('response', (res) => {
      const encoding = String(res.headers['content-encoding'] ?? '').toLowerCase();
      const decoded =
        encoding === 'gzip' || encoding === 'x-gzip'
          ? res.pipe(zlib.createGunzip())
          : encoding === 'deflate'
            ? res.pipe(zlib.createInflate())
            : res;
      if (decoded !== res) res.once('error', (err) => decoded.destroy(err));
      resolve({
        status: res.statusCode ?? 0,
        statusText: res.statusMessage ?? '',
        headers: res.headers,
        body: decoded,
      });
    });
    req.end();
  });
}

function header(headers: http.IncomingHttpHeaders, name: string): string | null {
  const value = headers[name];
  return Array.isArray(value) ? (value[0] ?? null) : (value ?? null);
}

async function fetchOnce(
  feed: string,
  opts: typeof DEFAULTS & FetchFeedOptions & { addressPolicy?: AddressPolicy },
): Promise<FetchedFeed> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), opts.timeoutMs);
  let answer: Answer | undefined;
  try {
    let url = new URL(feed);
    for (let hop = 0; ; hop++) {
      if (url.protocol !== 'http:' && url.protocol !== 'https:') {
        throw new FeedError(
          'FEED_NOT_ALLOWED',
          feed,
          `a redirect led to a ${url.protocol} URL; only http(s) is followed`,
        );
      }
      // An IP in the URL opens a socket without any lookup, so it is checked here, on every hop.
      const literal = url.hostname.replace(/^\[|\]$/g, '');
      if (opts.addressPolicy && net.isIP(literal) && opts.addressPolicy(literal) !== undefined) {
        throw addressRefused(feed, hop);
      }
      const headers: Record<string, string> = {
        'user-agent': opts.userAgent ?? USER_AGENT,
        accept:
          'application/rss+xml, application/atom+xml, application/rdf+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.1',
        'accept-encoding': 'gzip, deflate',
      };
      if (opts.cacheHeaders?.etag) headers['if-none-match'] = opts.cacheHeaders.etag;
      if (opts.cacheHeaders?.lastModified) headers['if-modified-since'] = opts.cacheHeaders.lastModified;
      answer = await request(url, headers, controller.signal, opts.addressPolicy);
      if (answer.status >= 300 && answer.status < 400 && answer.status !== 304) {
        answer.body.destroy();
        const location = header(answer.headers, 'location');
        if (!location) throw new FeedError('FEED_HTTP_STATUS', feed, `redirect ${answer.status} without a Location`);
        if (hop >= opts.maxRedirects) {
          throw new FeedError(
            'FEED_TOO_MANY_REDIRECTS',
            feed,
            `more than ${opts.maxRedirects} redirects (last to ${maskFeedUrl(new URL(location, url).toString())})`,
          );
        }
        url = new URL(location, url);
        continue;
      }
      if (answer.status === 304) {
        answer.body.destroy();
        return { status: 'not-modified', cacheHeaders: opts.cacheHeaders ?? {}, url: url.toString() };
      }
      if (answer.status < 200 || answer.status > 299) {
        answer.body.destroy();
        throw new FeedError('FEED_HTTP_STATUS', feed, `HTTP ${answer.status} ${answer.statusText}`.trim(), {
          status: answer.status,
        });
      }
      const body = await readCapped(answer, feed, opts.maxBytes);
      const cacheHeaders: CacheHeaders = {};
      const etag = header(answer.headers, 'etag');
      const lastModified = header(answer.headers, 'last-modified');
      if (etag) cacheHeaders.etag = etag;
      if (lastModified) cacheHeaders.lastModified = lastModified;
      return {
        status: 'ok',
        body,
        contentType: header(answer.headers, 'content-type'),
        cacheHeaders,
        url: url.toString(),
      };
    }
  } catch (err) {
    answer?.body.destroy();
    if (err instanceof FeedError) throw err;
    if (err instanceof AddressRefused) throw addressRefused(feed, -1);
    if (controller.signal.aborted) {
      throw new FeedError('FEED_TIMEOUT', feed, `no complete answer within ${opts.timeoutMs} ms`, { cause: err });
    }
    const code = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    // Which network error it was (refused, reset, unreachable) is what tells a closed port from
    // an open one: it goes to the operator's log (message), never to the run report.
    throw new FeedError('FEED_NETWORK', feed, `network error: ${code}`, {
      cause: err,
      reportDetail: 'network error: no usable answer from the server',
    });
  } finally {
    clearTimeout(timer);
  }
}

function addressRefused(feed: string, hop: number): FeedError {
  return new FeedError(
    'FEED_ADDRESS_REFUSED',
    feed,
    `${hop > 0 ? 'a redirect leads' : 'it leads'} to a loopback, private, link-local or metadata address, which only feeds named in FEED_URLS may reach (or set FEED_ALLOW_PRIVATE=true)`,
  );
}

/** Stops reading as soon as the body passes the cap, so a huge or endless body costs no memory. */
async function readCapped(answer: Answer, feed: string, maxBytes: number): Promise<Uint8Array> {
  const declared = Number(header(answer.headers, 'content-length'));
  if (Number.isFinite(declared) && declared > maxBytes && !header(answer.headers, 'content-encoding')) {
    throw tooLarge(feed, maxBytes);
  }
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of answer.body as AsyncIterable<Buffer>) {
    total += chunk.byteLength;
    if (total > maxBytes) throw tooLarge(feed, maxBytes);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}
