import fs from 'node:fs';
import type { IncomingHttpHeaders } from 'node:http';
import zlib from 'node:zlib';
import { startFeedServer } from '@tidings/feed-fixtures';
import { freePort } from '@tidings/runtime';
import { CNBC_FIXTURE } from '@tidings/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { FeedError } from '../src/errors/feed-error.js';
import { fetchFeed, USER_AGENT } from '../src/fetch-feed.js';
import { readFeed } from '../src/read-feed.js';

const xml = fs.readFileSync(CNBC_FIXTURE);
const fast = { backoffMs: 5, timeoutMs: 2_000 };
/** The request headers each path received, in order; tests assert on them, never the handlers. */
const seen = new Map<string, IncomingHttpHeaders[]>();
const record = (path: string, headers: IncomingHttpHeaders) => seen.set(path, [...(seen.get(path) ?? []), headers]);

const server = await startFeedServer({
  '/feed': (req, res) => {
    record('/feed', req.headers);
    res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(xml);
  },
  '/gzip': (req, res) => {
    record('/gzip', req.headers);
    res.writeHead(200, { 'content-encoding': 'gzip', 'content-type': 'application/rss+xml' }).end(zlib.gzipSync(xml));
  },
  '/conditional': (req, res) => {
    record('/conditional', req.headers);
    if (req.headers['if-none-match'] === '"v1"') return void res.writeHead(304).end();
    res.writeHead(200, { etag: '"v1"', 'last-modified': 'Tue, 24 Nov 2026 21:10:02 GMT' }).end(xml);
  },
  '/redirect-3': (_req, res) => void res.writeHead(302, { location: '/redirect-2' }).end(),
  '/redirect-2': (_req, res) => void res.writeHead(301, { location: '/redirect-1' }).end(),
  '/redirect-1': (_req, res) => void res.writeHead(307, { location: '/feed' }).end(),
  '/loop': (_req, res) => void res.writeHead(302, { location: '/loop' }).end(),
  '/flaky': (_req, res, hit) => (hit < 3 ? void res.writeHead(500).end('oops') : void res.writeHead(200).end(xml)),
  '/down': (_req, res) => void res.writeHead(503).end(),
  '/gone': (_req, res) => void res.writeHead(404).end(),
  '/slow': () => {},
  '/huge-declared': (_req, res) => void res.writeHead(200, { 'content-length': String(50 * 1024 * 1024) }).end(),
  '/latin1-header': (_req, res) => {
    const body = Buffer.from(
      '<rss version="2.0"><channel><title>x</title><item><title>Börse</title><guid>1</guid></item></channel></rss>',
      'latin1',
    );
    res.writeHead(200, { 'content-type': 'text/xml; charset=ISO-8859-1' }).end(body);
  },
});
afterAll(() => server.close());

async function failure(url: string, options = {}): Promise<FeedError> {
  try {
    await fetchFeed(url, { ...fast, ...options });
  } catch (err) {
    expect(err).toBeInstanceOf(FeedError);
    return err as FeedError;
  }
  throw new Error('expected a FeedError');
}

describe('fetchFeed over HTTP', () => {
  it('sends a tidings User-Agent and feed Accept header, and returns the body', async () => {
    seen.delete('/feed');
    const fetched = await fetchFeed(server.url('/feed'), fast);
    expect(fetched.status).toBe('ok');
    if (fetched.status === 'ok') expect(Buffer.from(fetched.body).equals(xml)).toBe(true);
    await fetchFeed(server.url('/feed'), { ...fast, userAgent: 'custom-agent/1' });
    const [first, second] = seen.get('/feed') ?? [];
    // What reached the server, not the constant: undici's own would be "node" or "undici".
    expect(first?.['user-agent']).toMatch(/^tidings\/\d+\.\d+ \(\+https?:\/\/\S+; [^)]+\)$/);
    expect(first?.['user-agent']).toBe(USER_AGENT);
    expect(first?.accept).toMatch(/^application\/rss\+xml, application\/atom\+xml/);
    expect(second?.['user-agent']).toBe('custom-agent/1');
    expect(seen.get('/feed')).toHaveLength(2);
  });

  it('asks for gzip and decompresses it', async () => {
    const { report, articles } = await readFeed(server.url('/gzip'), { ...fast, summaryMaxChars: 500 });
    expect(seen.get('/gzip')?.map((h) => h['accept-encoding'])).toEqual(['gzip, deflate']);
    expect(report.status).toBe('ok');
    expect(articles).toHaveLength(12);
  });

  it('sends stored cacheHeaders and treats 304 as nothing new', async () => {
    const first = await fetchFeed(server.url('/conditional'), fast);
    expect(first.cacheHeaders).toEqual({ etag: '"v1"', lastModified: 'Tue, 24 Nov 2026 21:10:02 GMT' });
    const second = await fetchFeed(server.url('/conditional'), { ...fast, cacheHeaders: first.cacheHeaders });
    expect(second.status).toBe('not-modified');
    const [plain, conditional] = seen.get('/conditional') ?? [];
    expect(plain?.['if-none-match']).toBeUndefined();
    expect(conditional).toMatchObject({
      'if-none-match': '"v1"',
      'if-modified-since': 'Tue, 24 Nov 2026 21:10:02 GMT',
    });
    const { report } = await readFeed(server.url('/conditional'), {
      ...fast,
      cacheHeaders: first.cacheHeaders,
      summaryMaxChars: 500,
    });
    expect(report).toMatchObject({ status: 'not-modified', fetched: 0, kept: 0 });
  });

  it('follows up to 5 redirects and refuses a redirect loop', async () => {
    expect((await fetchFeed(server.url('/redirect-3'), fast)).status).toBe('ok');
    const err = await failure(server.url('/loop'));
    expect(err.code).toBe('FEED_TOO_MANY_REDIRECTS');
    expect(err.message).toContain('/loop: more than 5 redirects');
  });

  it('retries 5xx with backoff and recovers', async () => {
    expect((await fetchFeed(server.url('/flaky'), { ...fast, retries: 3 })).status).toBe('ok');
    expect(server.hits('/flaky')).toBe(3);
  });

  it('gives up on a server that keeps failing after the retries', async () => {
    const err = await failure(server.url('/down'), { retries: 2 });
    expect(err.code).toBe('FEED_HTTP_STATUS');
    expect(err.message).toBe(`${server.url('/down')}: HTTP 503 Service Unavailable`);
    expect(server.hits('/down')).toBe(3);
  });

  it('does not retry a 404', async () => {
    const err = await failure(server.url('/gone'), { retries: 3 });
    expect(err.message).toContain('HTTP 404');
    expect(server.hits('/gone')).toBe(1);
  });

  // No wall-clock bound here (flaky on a shared machine): a fetch that never timed out would
  // hang until vitest's own timeout, and both attempts must have reached the server.
  it('times out a server that never answers, on every attempt', async () => {
    const err = await failure(server.url('/slow'), { timeoutMs: 300, retries: 1 });
    expect(err.code).toBe('FEED_TIMEOUT');
    expect(err.message).toContain('no complete answer within 300 ms');
    expect(server.hits('/slow')).toBe(2);
  });

  // A streamed body over the cap, with its memory bound, is the "50 MB body" case of the
  // bad-input corpus (test/faults/bad-input.ts).
  it('refuses a declared Content-Length over the cap before reading the body', async () => {
    const declared = await failure(server.url('/huge-declared'), { maxBytes: 1024 * 1024 });
    expect(declared.code).toBe('FEED_TOO_LARGE');
    expect(declared.message).toContain('larger than FETCH_MAX_BYTES (1048576 bytes)');
  });

  it('names a network failure', async () => {
    const port = await freePort();
    const err = await failure(`http://127.0.0.1:${port}/feed`, { retries: 1 });
    expect(err.code).toBe('FEED_NETWORK');
    expect(err.message).toContain('ECONNREFUSED');
  });

  it('uses the HTTP charset when the document declares none', async () => {
    const { articles } = await readFeed(server.url('/latin1-header'), { ...fast, summaryMaxChars: 500 });
    expect(articles[0]?.title).toBe('Börse');
  });
});

describe('fetchFeed from a file', () => {
  it('refuses a file over the cap', async () => {
    const err = await failure(CNBC_FIXTURE, { maxBytes: 1024 });
    expect(err.code).toBe('FEED_TOO_LARGE');
  });
});
