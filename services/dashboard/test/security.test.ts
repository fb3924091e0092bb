import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { createLogger } from '@tidings/runtime';
import type { Run } from '@tidings/shared';
import {
  buildFeedReport,
  buildRun,
  buildTopicArticle,
  launchChromium,
  testConfig,
  testRedis,
  waitFor,
} from '@tidings/testing';
import { TopicStoreWriter } from '@tidings/topic-store';
import type { Browser, Response as PwResponse } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildDashboard } from '../src/index.js';

/**
 * Each control of docs/security.md, proved over a real server on loopback and the real
 * Redis: every test here fails when its control is taken out.
 */

const TOKEN = 'security-token-0123456789abcdef';
const OTHER_TOKEN = 'another-token-0123456789abcdef';
const logger = createLogger('security-test', { level: 'silent' });
const redis = testRedis();
afterAll(() => redis.quit());

interface Served {
  app: Awaited<ReturnType<typeof buildDashboard>>['app'];
  data: Awaited<ReturnType<typeof buildDashboard>>['data'];
  config: ReturnType<typeof testConfig>;
  address: string;
  port: number;
}
const open: Served[] = [];
afterEach(async () => {
  for (const s of open.splice(0)) await s.app.close();
});

async function serve(env: Record<string, string> = {}, options: { runsPerMinute?: number } = {}): Promise<Served> {
  const config = testConfig(env);
  const { app, data } = await buildDashboard({ config, logger, ...options });
  const address = await app.listen({ host: '127.0.0.1', port: 0 });
  const port = (app.server.address() as AddressInfo).port;
  const served = { app, data, config, address, port };
  open.push(served);
  return served;
}

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** Raw HTTP, so Host, Origin and Sec-Fetch-Site are exactly what a browser or an attacker would send. */
function send(
  s: { port: number },
  path: string,
  { method = 'GET', headers = {}, body }: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port: s.port,
        path,
        method,
        headers: { host: `127.0.0.1:${s.port}`, ...headers },
        agent: false,
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk) => {
          text += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const json = { 'content-type': 'application/json' };
const form = { 'content-type': 'application/x-www-form-urlencoded' };
const bearer = (token = TOKEN) => ({ authorization: `Bearer ${token}` });

async function login(s: Served, token = TOKEN, next = '/'): Promise<Answer> {
  return send(s, '/login', {
    method: 'POST',
    headers: form,
    body: new URLSearchParams({ token, next }).toString(),
  });
}
const sessionOf = (answer: Answer) => String(answer.headers['set-cookie']?.[0] ?? '').split(';')[0] ?? '';

const feedsWaiting = (s: Served) => s.data.queues.feeds.getJobCounts('waiting', 'delayed', 'prioritized');

describe('1. writes from another origin', () => {
  it('refuses POST /runs, POST /api/runs and Bull Board actions with Origin null, a foreign Origin or Sec-Fetch-Site cross-site', async () => {
    const s = await serve({ DASHBOARD_TOKEN: TOKEN });
    const writes: [string, string, string | undefined][] = [
      ['POST', '/runs', undefined],
      ['POST', '/api/runs', '{}'],
      ['POST', '/queues/api/queues/feeds/add', '{"name":"x","data":{}}'],
      ['PUT', '/queues/api/queues/classify/retry/failed', undefined],
      ['PUT', '/queues/api/queues/classify/clean/completed', undefined],
    ];
    const foreign: Record<string, string>[] = [
      { origin: 'null' },
      { origin: 'https://evil.example' },
      // Another program on this machine is another origin, even on a loopback name.
      { origin: `http://localhost:${s.port + 1}` },
      { 'sec-fetch-site': 'cross-site' },
      { 'sec-fetch-site': 'same-site' },
    ];
    for (const [method, path, body] of writes) {
      for (const headers of foreign) {
        const res = await send(s, path, { method, body, headers: { ...bearer(), ...(body ? json : {}), ...headers } });
        expect(res.status, `${method} ${path} ${JSON.stringify(headers)}`).toBe(403);
      }
    }
    expect(await feedsWaiting(s)).toEqual({ waiting: 0, delayed: 0, prioritized: 0 });

    // The dashboard's own page (same origin, as the browser labels it) still works.
    const own = await send(s, '/api/runs', {
      method: 'POST',
      body: '{}',
      headers: { ...bearer(), ...json, origin: s.address, 'sec-fetch-site': 'same-origin' },
    });
    expect(own.status).toBe(202);
  });
});

describe('2. DNS rebinding', () => {
  it('answers 421 to a Host that is not loopback, DASHBOARD_HOST or DASHBOARD_PUBLIC_URL, on every route', async () => {
    const s = await serve({ DASHBOARD_PUBLIC_URL: 'https://news.example.com/' });
    for (const path of [
      '/',
      '/api/topics',
      '/api/runs',
      '/api/search?q=oil',
      '/queues',
      '/queues/api/queues',
      '/events',
      '/healthz',
      '/metrics',
      '/login',
    ]) {
      for (const host of [
        `evil.example:${s.port}`,
        'evil.example',
        `127.0.0.1.evil.example:${s.port}`,
        `localhost.evil.example`,
      ]) {
        const res = await send(s, path, { headers: { host } });
        expect(res.status, `${host} ${path}`).toBe(421);
      }
    }
    const write = await send(s, '/api/runs', {
      method: 'POST',
      body: '{}',
      headers: { ...json, host: 'evil.example' },
    });
    expect(write.status).toBe(421);
    expect(await feedsWaiting(s)).toEqual({ waiting: 0, delayed: 0, prioritized: 0 });

    for (const host of [
      `localhost:${s.port}`,
      `127.0.0.1:${s.port}`,
      `127.1.2.3:${s.port}`,
      `[::1]:${s.port}`,
      'news.example.com',
      'news.example.com:8443',
    ]) {
      expect((await send(s, '/healthz', { headers: { host } })).status, host).toBe(200);
    }
  });

  it('accepts the configured DASHBOARD_HOST by name, and compares Origin with the allowed names, not with Host', async () => {
    const s = await serve({
      DASHBOARD_HOST: 'dash.internal',
      DASHBOARD_TOKEN: TOKEN,
      DASHBOARD_PUBLIC_URL: 'https://news.example.com',
    });
    expect((await send(s, '/api/runs', { headers: { ...bearer(), host: 'dash.internal:3000' } })).status).toBe(200);
    expect((await send(s, '/api/runs', { headers: { ...bearer(), host: 'other.internal:3000' } })).status).toBe(421);
    // A TLS proxy forwards the browser's Origin while Host is the upstream address.
    const proxied = await send(s, '/api/runs', {
      method: 'POST',
      body: '{}',
      headers: { ...bearer(), ...json, origin: 'https://news.example.com' },
    });
    expect(proxied.status).toBe(202);
    // A page on the attacker's site whose Host the attacker also controls gets nothing.
    const rebound = await send(s, '/api/runs', {
      method: 'POST',
      body: '{}',
      headers: { ...bearer(), ...json, host: 'evil.example', origin: 'http://evil.example' },
    });
    expect(rebound.status).toBe(421);
  });
});

describe('3. the token', () => {
  it('with DASHBOARD_TOKEN, every route needs it on loopback too, except /healthz, /login and static assets', async () => {
    const s = await serve({ DASHBOARD_TOKEN: TOKEN });
    for (const path of [
      '/api/topics',
      '/api/runs',
      '/api/runs/x',
      '/api/topics/Crypto/articles',
      '/api/search?q=oil',
      '/metrics',
      '/events',
      '/queues',
      '/queues/api/queues',
    ]) {
      expect((await send(s, path)).status, path).toBe(401);
    }
    const page = await send(s, '/', { headers: { accept: 'text/html' } });
    expect(page.status).toBe(302);
    expect(page.headers.location).toBe('/login?next=%2F');
    for (const path of ['/healthz', '/login', '/assets/style.css', '/assets/app.js']) {
      expect((await send(s, path)).status, path).toBe(200);
    }
    expect((await send(s, '/api/runs', { headers: bearer() })).status).toBe(200);
    expect((await send(s, '/queues/api/queues/classify/clean/completed', { method: 'PUT' })).status).toBe(401);
    expect(
      (await send(s, '/queues/api/queues/classify/clean/completed', { method: 'PUT', headers: bearer() })).status,
    ).toBe(200);
  });

  it('without a token, Bull Board is read-only: its actions are refused and its UI is told so', async () => {
    const s = await serve();
    const add = await send(s, '/queues/api/queues/feeds/add', {
      method: 'POST',
      body: '{"name":"x","data":{}}',
      headers: json,
    });
    expect(add.status).toBe(403);
    for (const path of [
      '/queues/api/queues/classify/retry/failed',
      '/queues/api/queues/classify/clean/completed',
      '/queues/api/queues/feeds/empty',
      '/queues/api/queues/pause',
    ]) {
      expect((await send(s, path, { method: 'PUT' })).status, path).toBe(403);
    }
    expect(await feedsWaiting(s)).toEqual({ waiting: 0, delayed: 0, prioritized: 0 });
    const board = JSON.parse((await send(s, '/queues/api/queues')).body) as {
      queues: { name: string; readOnlyMode: boolean }[];
    };
    expect(board.queues.map((q) => [q.name, q.readOnlyMode]).sort()).toEqual([
      ['aggregate', true],
      ['backfill', true],
      ['classify', true],
      ['feeds', true],
      ['notify', true],
      ['preview', true],
      ['read-feed', true],
      ['reclassify', true],
    ]);
    // Reads and the dashboard's own writes stay open on loopback without a token.
    expect((await send(s, '/api/runs')).status).toBe(200);
    expect((await send(s, '/api/runs', { method: 'POST', body: '{}', headers: json })).status).toBe(202);
  });
});

describe('4. sessions', () => {
  it('are random, kept in Redis with an expiry, revoked by POST /logout, and end when the token changes', async () => {
    const s = await serve({ DASHBOARD_TOKEN: TOKEN });
    const first = await login(s);
    const second = await login(s);
    expect(first.status).toBe(303);
    const session = sessionOf(first);
    expect(session).toMatch(/^tidings_session=[A-Za-z0-9_-]{43}$/);
    expect(sessionOf(second)).not.toBe(session);
    expect(String(first.headers['set-cookie'])).toMatch(/Max-Age=\d+/);
    const keys = await redis.keys(`${s.config.prefix}:dashboard:session:*`);
    expect(keys).toHaveLength(2);
    for (const key of keys) {
      expect(await redis.ttl(key)).toBeGreaterThan(0);
      expect(await redis.ttl(key)).toBeLessThanOrEqual(12 * 3600);
      expect(await redis.get(key)).not.toContain(TOKEN);
    }

    expect((await send(s, '/api/runs', { headers: { cookie: session } })).status).toBe(200);
    const page = await send(s, '/', { headers: { cookie: session, accept: 'text/html' } });
    expect(page.body).toContain('<form method="post" action="/logout"');
    expect(page.body).toContain('Log out');

    const logout = await send(s, '/logout', { method: 'POST', headers: { cookie: session } });
    expect(logout.status).toBe(303);
    expect((await send(s, '/api/runs', { headers: { cookie: session } })).status).toBe(401);
    expect(await redis.keys(`${s.config.prefix}:dashboard:session:*`)).toHaveLength(1);

    // The same deployment restarted with the same token keeps the other session; with a new token it does not.
    const kept = sessionOf(second);
    const same = await serve({ DASHBOARD_TOKEN: TOKEN, TIDINGS_PREFIX: s.config.prefix });
    expect((await send(same, '/api/runs', { headers: { cookie: kept } })).status).toBe(200);
    const changed = await serve({ DASHBOARD_TOKEN: OTHER_TOKEN, TIDINGS_PREFIX: s.config.prefix });
    expect((await send(changed, '/api/runs', { headers: { cookie: kept } })).status).toBe(401);
    expect((await send(same, '/api/runs', { headers: { cookie: kept } })).status).toBe(401);
  });

  it('rate-limits failed Bearer attempts per client, and reads X-Forwarded-For only under TRUST_PROXY', async () => {
    const direct = await serve({ DASHBOARD_TOKEN: TOKEN });
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) {
      // A client that is not behind a trusted proxy cannot pick a fresh address per attempt.
      const res = await send(direct, '/api/runs', {
        headers: { ...bearer(`wrong-token-${i}-0123456789`), 'x-forwarded-for': `203.0.113.${i}` },
      });
      statuses.push(res.status);
    }
    expect(statuses.slice(0, 10)).toEqual(Array(10).fill(401));
    expect(statuses.slice(10)).toEqual([429, 429]);
    // Once limited, even the right token is refused until the window passes: guessing stops.
    expect((await send(direct, '/api/runs', { headers: bearer() })).status).toBe(429);
    // Counted in Redis for one window, so every replica sees it and it passes by itself.
    const [counter] = await redis.keys(`${direct.config.prefix}:dashboard:failed-auth:*`);
    expect(await redis.ttl(counter ?? 'missing')).toBeGreaterThan(0);
    expect(await redis.ttl(counter ?? 'missing')).toBeLessThanOrEqual(60);

    const proxied = await serve({ DASHBOARD_TOKEN: TOKEN, TRUST_PROXY: 'true' });
    for (let i = 0; i < 11; i++) {
      await send(proxied, '/api/runs', {
        headers: { ...bearer('wrong-token-0123456789'), 'x-forwarded-for': '203.0.113.7' },
      });
    }
    const limited = await send(proxied, '/api/runs', { headers: { ...bearer(), 'x-forwarded-for': '203.0.113.7' } });
    expect(limited.status).toBe(429);
    const other = await send(proxied, '/api/runs', { headers: { ...bearer(), 'x-forwarded-for': '198.51.100.2' } });
    expect(other.status).toBe(200);
  });

  it('never redirects off-site after logging in, whatever `next` holds', async () => {
    const s = await serve({ DASHBOARD_TOKEN: TOKEN });
    const base = `http://127.0.0.1:${s.port}`;
    for (const next of [
      '/\\evil.example',
      '//evil.example',
      '/\t/evil.example',
      '/\n/evil.example',
      '/\u0000/evil.example',
      '/.//evil.example',
      'https://evil.example/',
      '/%2F/evil.example',
    ]) {
      const res = await login(s, TOKEN, next);
      expect(res.status, JSON.stringify(next)).toBe(303);
      const location = String(res.headers.location);
      expect(new URL(location, base).origin, JSON.stringify(next)).toBe(base);
      expect(location, JSON.stringify(next)).not.toMatch(/^\/[\\/]|[\u0000-\u001f]/);
      const form = await send(s, `/login?next=${encodeURIComponent(next)}`);
      const hidden = /name="next" value="([^"]*)"/.exec(form.body)?.[1] ?? '';
      expect(new URL(hidden.replace(/&#39;/g, "'").replace(/&amp;/g, '&'), base).origin).toBe(base);
    }
    const fine = await login(s, TOKEN, '/?topic=Crypto');
    expect(fine.headers.location).toBe('/?topic=Crypto');
  });
});

describe('5. numbers in queries', () => {
  it('answers 400, not 500, to huge, infinite and out-of-range paging values', async () => {
    const s = await serve();
    await new TopicStoreWriter(redis, s.config.prefix, { labelOrder: s.config.zeroShot.labels }).writeRun(
      run('run-1', []),
    );
    for (const path of [
      '/api/runs?offset=1e20',
      '/api/runs?offset=1e400',
      '/api/runs?offset=Infinity',
      '/api/runs?limit=Infinity',
      '/api/runs?offset=100001',
      '/api/topics/Crypto/articles?offset=1e20',
      '/api/topics/Crypto/articles?offset=Infinity',
      '/api/topics?hours=1e400',
      '/api/topics?hours=Infinity',
    ]) {
      const res = await send(s, path);
      expect(res.status, path).toBe(400);
    }
    expect((await send(s, '/api/runs?offset=100000')).status).toBe(200);
  });
});

describe('6. live updates', () => {
  it('caps concurrent /events clients and closes them on shutdown, so the server stops promptly', async () => {
    const s = await serve({ DASHBOARD_MAX_SSE_CLIENTS: '2' });
    const first = await openStream(s);
    const second = await openStream(s);
    expect([first.status, second.status]).toEqual([200, 200]);
    const third = await send(s, '/events');
    expect(third.status).toBe(503);
    expect(JSON.parse(third.body)).toMatchObject({ error: 'TIDINGS_DASHBOARD_TOO_MANY_STREAMS' });

    // A tab that closes frees its place.
    first.request.destroy();
    let again = await openStream(s);
    for (let i = 0; again.status !== 200 && i < 40; i++) {
      await new Promise((r) => setTimeout(r, 50));
      again = await openStream(s);
    }
    expect(again.status).toBe(200);

    // A browser's speculative connection: a socket with no request on it yet.
    const idle = net.connect(s.port, '127.0.0.1');
    await new Promise((resolve) => idle.once('connect', resolve));
    idle.on('error', () => {});

    const started = performance.now();
    await s.app.close();
    open.splice(open.indexOf(s), 1);
    expect(performance.now() - started).toBeLessThan(3_000);
    // The open streams end rather than hang.
    await Promise.all([second.ended, again.ended]);
  });
});

/** An /events stream over raw HTTP: its status once the first bytes arrive, and a promise that settles when the server ends it. */
function openStream(s: Served): Promise<{ status: number; request: http.ClientRequest; ended: Promise<void> }> {
  return new Promise((resolve, reject) => {
    const request = http.get(
      { host: '127.0.0.1', port: s.port, path: '/events', headers: { host: `127.0.0.1:${s.port}` }, agent: false },
      (res) => {
        const ended = new Promise<void>((done) => {
          res.on('close', () => done());
        });
        res.once('data', () => resolve({ status: res.statusCode ?? 0, request, ended }));
        res.on('error', () => {});
      },
    );
    request.on('error', reject);
  });
}

describe('7. the page form', () => {
  it('POST /runs shares the rate limit of POST /api/runs', async () => {
    const s = await serve({}, { runsPerMinute: 2 });
    const statuses = [];
    for (const path of ['/runs', '/runs', '/runs', '/api/runs']) {
      statuses.push(
        (await send(s, path, { method: 'POST', ...(path === '/api/runs' ? { body: '{}', headers: json } : {}) }))
          .status,
      );
    }
    expect(statuses).toEqual([303, 303, 429, 429]);
    expect((await feedsWaiting(s)).waiting).toBe(2);
  });
});

describe('8. feed URLs on the page', () => {
  it('masks credentials in failing feeds, in their links and in their error messages', async () => {
    const s = await serve();
    const secretFeeds = [
      'https://reader:hunter2-password@feeds.example/rss?page=2',
      'https://ghp_tokenvalue123@private.example/feed.xml',
      'https://feeds.example/news?api_key=k3y-secret-value&region=eu',
    ];
    await new TopicStoreWriter(redis, s.config.prefix, { labelOrder: s.config.zeroShot.labels }).writeRun(
      run('run-secret', secretFeeds),
    );
    const page = (await send(s, '/')).body;
    for (const secret of ['hunter2-password', 'ghp_tokenvalue123', 'k3y-secret-value']) {
      expect(page).not.toContain(secret);
    }
    expect(page).toContain('https://reader:****@feeds.example/rss?page=2');
    expect(page).toContain('https://****@private.example/feed.xml');
    expect(page).toContain('https://feeds.example/news?api_key=****&amp;region=eu');
  });
});

describe('1. Origin: null from a sandboxed iframe, in a real browser', () => {
  let browser: Browser;
  let attacker: http.Server;
  let attackerUrl = '';
  let target = '';
  beforeAll(async () => {
    browser = await launchChromium();
    // Another loopback origin (another program on this machine, or a page the operator opened).
    attacker = http.createServer((_req, res) => {
      const inner = `<form method="post" action="${target}/runs"><button>go</button></form><script>document.forms[0].submit()</script>`;
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end(
        `<!doctype html><iframe sandbox="allow-forms allow-scripts" srcdoc="${inner.replace(/"/g, '&quot;')}"></iframe>`,
      );
    });
    await new Promise<void>((resolve) => attacker.listen(0, '127.0.0.1', resolve));
    attackerUrl = `http://localhost:${(attacker.address() as AddressInfo).port}/`;
  });
  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => attacker?.close(resolve));
  });

  it('a form posted to /runs from a sandboxed iframe on another loopback origin gets 403 and starts nothing', async () => {
    const s = await serve();
    target = s.address;
    const page = await browser.newPage();
    // Playwright attaches to a cross-site frame's process late and can miss its first
    // request, so responses are checked when seen and the frame itself is read in any case.
    const seen: PwResponse[] = [];
    page.on('response', (r) => {
      if (r.url() === `${target}/runs`) seen.push(r);
    });
    await page.goto(attackerUrl);
    const frame = await waitFor(() => page.frames().find((f) => f.url() === `${target}/runs`), {
      what: 'the sandboxed frame to post to /runs',
      timeoutMs: 30_000,
    });
    const body = await waitFor(
      async () => {
        const text = await frame.textContent('body').catch(() => null);
        return text?.includes('"error"') ? text : undefined;
      },
      { what: 'the answer to the frame', timeoutMs: 30_000 },
    );
    expect(JSON.parse(body)).toMatchObject({ error: 'TIDINGS_DASHBOARD_CROSS_ORIGIN' });
    for (const response of seen) {
      expect(response.status()).toBe(403);
      expect(await response.request().headerValue('origin')).toBe('null');
    }
    expect(await feedsWaiting(s)).toEqual({ waiting: 0, delayed: 0, prioritized: 0 });
    await page.close();
  });
});

function run(id: string, failingFeeds: string[]): Run {
  const startedAt = '2026-11-25T06:00:00.000Z';
  const article = buildTopicArticle({
    id: `${id}-a1`,
    feed: 'f',
    title: 'Bitcoin slides',
    link: 'https://news.example/bitcoin',
    published: '2026-11-24T20:00:00.000Z',
    fetchedAt: startedAt,
    label: 'Crypto',
    score: 0.91,
    runId: id,
  });
  return buildRun({
    id,
    startedAt,
    finishedAt: startedAt,
    durationMs: 1234,
    feeds: failingFeeds.map((url) =>
      buildFeedReport({
        url,
        status: 'failed',
        error: { code: 'FEED_HTTP_STATUS', message: `fetching ${url} answered 401` },
      }),
    ),
    articles: [article],
  });
}
