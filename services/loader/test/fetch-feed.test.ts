import fs from 'node:fs';
import zlib from 'node:zlib';
import { startFeedServer } from '@tidings/feed-fixtures';
import { freePort } from '@tidings/runtime';
import { afterAll, describe, expect, it } from 'vitest';
import { CNBC_FIXTURE } from '../../../test/harness.js';
import { FeedError } from '../src/errors/feed-error.js';
import { fetchFeed, USER_AGENT } from '../src/fetch-feed.js';
import { readFeed } from '../src/read-feed.js';

const xml = fs.readFileSync(CNBC_FIXTURE);
const fast = { backoffMs: 5, timeoutMs: 2_000 };
let bytesSentBeforeAbort = 0;
let lastUserAgent: string | undefined;

const server = await startFeedServer({
  '/feed': (req, res) => {
    lastUserAgent = req.headers['user-agent'];
    res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(xml);
  },
  '/gzip': (req, res) => {
    expect(req.headers['accept-encoding']).toContain('gzip');
    res.writeHead(200, { 'content-encoding': 'gzip', 'content-type': 'application/rss+xml' }).end(zlib.gzipSync(xml));
  },
  '/conditional': (req, res) => {
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
  '/endless': (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/rss+xml' });
    const chunk = Buffer.alloc(64 * 1024, 'a');
    const pump = () => {
      while (bytesSentBeforeAbort < 50 * 1024 * 1024) {
        bytesSentBeforeAbort += chunk.length;
        if (!res.write(chunk)) return void res.once('drain', pump);
      }
      res.end();
    };
    res.on('close', () => undefined);
    pump();
  },
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
  it('sends a tidings User-Agent and returns the body', async () => {
    const fetched = await fetchFeed(server.url('/feed'), fast);
    expect(fetched.status).toBe('ok');
    if (fetched.status === 'ok') expect(Buffer.from(fetched.body).equals(xml)).toBe(true);
    expect(lastUserAgent).toBe(USER_AGENT);
    expect(USER_AGENT).toMatch(/^tidings\//);
  });

  it('decompresses gzip', async () => {
    const { report, articles } = await readFeed(server.url('/gzip'), { ...fast, summaryMaxChars: 500 });
    expect(report.status).toBe('ok');
    expect(articles).toHaveLength(12);
  });

  it('sends stored cacheHeaders and treats 304 as nothing new', async () => {
    const first = await fetchFeed(server.url('/conditional'), fast);
    expect(first.cacheHeaders).toEqual({ etag: '"v1"', lastModified: 'Tue, 24 Nov 2026 21:10:02 GMT' });
    const second = await fetchFeed(server.url('/conditional'), { ...fast, cacheHeaders: first.cacheHeaders });
    expect(second.status).toBe('not-modified');
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

  it('times out a server that never answers', async () => {
    const started = Date.now();
    const err = await failure(server.url('/slow'), { timeoutMs: 300, retries: 1 });
    expect(err.code).toBe('FEED_TIMEOUT');
    expect(err.message).toContain('no complete answer within 300 ms');
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('refuses a body over the cap without reading it all', async () => {
    const declared = await failure(server.url('/huge-declared'), { maxBytes: 1024 * 1024 });
    expect(declared.code).toBe('FEED_TOO_LARGE');
    const before = process.memoryUsage().rss;
    const streamed = await failure(server.url('/endless'), { maxBytes: 1024 * 1024 });
    expect(streamed.code).toBe('FEED_TOO_LARGE');
    expect(streamed.message).toContain('larger than FETCH_MAX_BYTES (1048576 bytes)');
    expect(bytesSentBeforeAbort).toBeLessThan(50 * 1024 * 1024);
    expect(process.memoryUsage().rss - before).toBeLessThan(40 * 1024 * 1024);
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
