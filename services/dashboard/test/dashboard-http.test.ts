import { randomBytes } from 'node:crypto';
import { createLogger, createRedis, type Logger } from '@tidings/runtime';
import { type Run, redisKeys } from '@tidings/shared';
import { buildFeedReport, buildRun, buildTopicArticle, testConfig, testRedis, testRedisUrl } from '@tidings/testing';
import { TopicStoreWriter } from '@tidings/topic-store';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { buildDashboard, DashboardTokenRequiredError } from '../src/index.js';

const TOKEN = 'test-token-0123456789abcdef';
const silent = createLogger('dashboard-test', { level: 'silent' });
const redis = testRedis();
afterAll(() => redis.quit());

const evil = '<script>alert("x")</script><img src=x onerror="alert(1)">';
function seedRun(id: string, startedAt: string): Run {
  const article = buildTopicArticle({
    id: `${id}-a1`,
    feed: 'f',
    title: `${evil} Bitcoin slides`,
    summary: 'Crypto <b>ETF</b> outflows',
    link: 'javascript:alert(1)',
    published: '2026-11-24T20:00:00.000Z',
    fetchedAt: startedAt,
    label: 'Crypto',
    score: 0.91,
    runId: id,
  });
  const other = buildTopicArticle({
    ...article,
    id: `${id}-a2`,
    title: 'Airports brace',
    link: 'https://news.example/airports',
    label: 'Other',
    score: 0.3,
  });
  return buildRun({
    id,
    startedAt,
    durationMs: 1234,
    finishedAt: startedAt,
    feeds: [
      buildFeedReport({
        url: 'https://dead.example/rss',
        status: 'failed',
        error: { code: 'FEED_TIMEOUT', message: 'slow' },
      }),
    ],
    articles: [article, other],
  });
}

/** Every test starts its own server on its own key prefix, so none depends on another or on their order. */
const open: { close(): Promise<unknown> }[] = [];
afterEach(async () => {
  for (const app of open.splice(0)) await app.close();
});

async function serve(
  env: Record<string, string> = {},
  options: { runsPerMinute?: number; logger?: Logger; seed?: boolean } = {},
) {
  const config = testConfig(env);
  const { app } = await buildDashboard({
    config,
    logger: options.logger ?? silent,
    runsPerMinute: options.runsPerMinute,
  });
  open.push(app);
  const address = await app.listen({ host: '127.0.0.1', port: 0 });
  const store = new TopicStoreWriter(redis, config.prefix, { labelOrder: config.zeroShot.labels });
  if (options.seed !== false) await store.writeRun(seedRun('run-1', '2026-11-25T06:00:00.000Z'));
  return { app, config, store, url: (p: string) => `${address}${p}` };
}

describe('dashboard on loopback without a token', () => {
  it('renders the topic page with feed text as text, never markup', async () => {
    const s = await serve();
    const res = await fetch(s.url('/'));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    const page = await res.text();
    expect(page).toContain(
      '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;img src=x onerror=&quot;alert(1)&quot;&gt; Bitcoin slides',
    );
    expect(page).not.toContain('<script>alert');
    expect(page).not.toContain('onerror="');
    expect(page).not.toContain('href="javascript:');
    expect(page).toContain('Crypto <span class="count">1</span>');
    expect(page).toContain('https://dead.example/rss');
    expect(page).toMatch(/Run now/);
  });

  it('filters the page by topic', async () => {
    const s = await serve();
    const page = await (await fetch(s.url('/?topic=Other'))).text();
    expect(page).toContain('Airports brace');
    expect(page).not.toContain('Bitcoin slides');
  });

  it('serves the digest, a run digest and topic pages as JSON', async () => {
    const s = await serve();
    const digest = await (await fetch(s.url('/api/topics'))).json();
    expect(digest.topics.map((g: { label: string }) => g.label)).toEqual(['Crypto', 'Other']);
    expect(digest.windowHours).toBe(24);
    const byRun = await (await fetch(s.url('/api/topics?run=run-1&hours=2'))).json();
    expect(byRun).toMatchObject({ runId: 'run-1', windowHours: 2 });
    expect((await fetch(s.url('/api/topics?run=nope'))).status).toBe(404);
    const bad = await fetch(s.url('/api/topics?hours=-1'));
    expect(bad.status).toBe(400);
    expect((await bad.json()).message).toBe('querystring/hours must be > 0');
    expect((await fetch(s.url('/api/topics?perTopic=1001'))).status).toBe(400);
    const capped = await (await fetch(s.url('/api/topics?perTopic=1'))).json();
    expect(capped.topics.map((g: { count: number; articles: unknown[] }) => [g.count, g.articles.length])).toEqual([
      [1, 1],
      [1, 1],
    ]);
    const articles = await (await fetch(s.url('/api/topics/Crypto/articles?limit=1'))).json();
    expect(articles).toMatchObject({ label: 'Crypto', total: 1, limit: 1, articles: [{ id: 'run-1-a1' }] });
    const unknown = await fetch(s.url('/api/topics/Sports/articles'));
    expect(unknown.status).toBe(404);
    expect((await unknown.json()).message).toContain("no topic 'Sports'");
  });

  it('lists runs and answers 404 for an unknown run', async () => {
    const s = await serve();
    const runs = await (await fetch(s.url('/api/runs'))).json();
    expect(runs).toMatchObject({ total: 1, runs: [{ id: 'run-1', counts: { classified: 2 } }], active: [] });
    expect((await (await fetch(s.url('/api/runs/run-1'))).json()).topics).toHaveLength(2);
    const missing = await fetch(s.url('/api/runs/no-such-run'));
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ error: 'Not Found', message: "no run 'no-such-run'" });
  });

  it('starts a run, rejects a bad body clearly, and rate-limits', async () => {
    const s = await serve({}, { runsPerMinute: 5 });
    const post = (body: string, headers: Record<string, string> = {}) =>
      fetch(s.url('/api/runs'), { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
    const ok = await post('{"reclassify": true}');
    expect(ok.status).toBe(202);
    expect((await ok.json()).runId).toMatch(/^manual-/);
    const bad = await post('{"feeds": ["ftp://x"]}');
    expect(bad.status).toBe(400);
    expect((await bad.json()).message).toBe('body/feeds/0 must match pattern "^https?://[^\\s]+$"');
    const extra = await post('{"reclassify": "yes"}');
    expect((await extra.json()).message).toBe('body/reclassify must be boolean');
    const huge = await post(JSON.stringify({ feeds: ['https://x.example/'.padEnd(100_000, 'a')] }));
    expect(huge.status).toBe(413);
    const cross = await post('{}', { origin: 'https://evil.example' });
    expect(cross.status).toBe(403);
    let limited = 0;
    for (let i = 0; i < 4; i++) if ((await post('{}')).status === 429) limited++;
    expect(limited).toBeGreaterThan(0);
  });

  it('reports health and Prometheus metrics without secrets', async () => {
    const s = await serve();
    const health = await (await fetch(s.url('/healthz'))).json();
    expect(health).toMatchObject({ status: 'ok', redis: { reachable: true }, workers: { live: 0 } });
    expect(Object.keys(health.queues)).toEqual([
      'feeds',
      'read-feed',
      'classify',
      'aggregate',
      'notify',
      'backfill',
      'preview',
      'reclassify',
    ]);
    const metrics = await (await fetch(s.url('/metrics'))).text();
    expect(metrics).toContain('tidings_queue_jobs{queue="classify",state="waiting"}');
    expect(metrics).toContain('tidings_topic_articles{label="Crypto"} 1');
    expect(metrics).toContain('tidings_runs{outcome="with_failures"} 1');
    expect(metrics).toContain('tidings_live_classifiers 0');
    expect(metrics).toContain('tidings_classify_duration_seconds_bucket');
    expect(JSON.stringify(health) + metrics).not.toContain(s.config.redis.url);
  });

  it('streams "run finished" notices as server-sent events', async () => {
    const s = await serve();
    const controller = new AbortController();
    const res = await fetch(s.url('/events'), { signal: controller.signal });
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const reader = res.body!.getReader();
    await reader.read();
    const publisher = createRedis(s.config.redis.url);
    await publisher.publish(
      redisKeys(s.config.prefix).topicsChannel,
      JSON.stringify({ type: 'run-finished', runId: 'r9' }),
    );
    let text = '';
    while (!text.includes('r9')) text += new TextDecoder().decode((await reader.read()).value);
    expect(text).toContain('event: run-finished');
    controller.abort();
    publisher.disconnect();
  });

  it('shows Bull Board with the eight queues', async () => {
    const s = await serve();
    expect((await fetch(s.url('/queues'))).status).toBe(200);
    const queues = await (await fetch(s.url('/queues/api/queues'))).json();
    expect(queues.queues.map((q: { name: string }) => q.name).sort()).toEqual([
      'aggregate',
      'backfill',
      'classify',
      'feeds',
      'notify',
      'preview',
      'read-feed',
      'reclassify',
    ]);
  });
});

describe('dashboard with a token', () => {
  it('refuses to start off loopback without DASHBOARD_TOKEN', async () => {
    await expect(buildDashboard({ config: testConfig({ DASHBOARD_HOST: '0.0.0.0' }), logger: silent })).rejects.toThrow(
      DashboardTokenRequiredError,
    );
    await expect(buildDashboard({ config: testConfig({ DASHBOARD_HOST: '0.0.0.0' }), logger: silent })).rejects.toThrow(
      "DASHBOARD_TOKEN: required when DASHBOARD_HOST is not loopback (it is '0.0.0.0')",
    );
  });

  it('off loopback, every route but /healthz needs the token; the login form sets an HttpOnly cookie', async () => {
    const s = await serve({ DASHBOARD_HOST: '0.0.0.0', DASHBOARD_TOKEN: TOKEN });
    for (const path of [
      '/api/topics',
      '/api/runs',
      '/api/runs/x',
      '/api/topics/Crypto/articles',
      '/metrics',
      '/events',
      '/queues/api/queues',
    ]) {
      const res = await fetch(s.url(path));
      expect(res.status, path).toBe(401);
    }
    const page = await fetch(s.url('/'), { headers: { accept: 'text/html' }, redirect: 'manual' });
    expect(page.status).toBe(302);
    expect(page.headers.get('location')).toBe('/login?next=%2F');
    expect((await fetch(s.url('/healthz'))).status).toBe(200);
    expect((await fetch(s.url('/api/runs'), { headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(200);
    expect(
      (await fetch(s.url('/api/runs'), { headers: { authorization: 'Bearer wrong-token-wrong-token' } })).status,
    ).toBe(401);

    const wrong = await fetch(s.url('/login'), {
      method: 'POST',
      body: new URLSearchParams({ token: 'nope', next: '/' }),
      redirect: 'manual',
    });
    expect(wrong.status).toBe(401);
    const login = await fetch(s.url('/login'), {
      method: 'POST',
      body: new URLSearchParams({ token: TOKEN, next: '/queues' }),
      redirect: 'manual',
    });
    expect(login.status).toBe(303);
    expect(login.headers.get('location')).toBe('/queues');
    const cookie = login.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect(cookie).not.toContain(TOKEN);
    const session = cookie.split(';')[0] ?? '';
    expect((await fetch(s.url('/queues/api/queues'), { headers: { cookie: session } })).status).toBe(200);
    expect((await fetch(s.url('/'), { headers: { cookie: session } })).status).toBe(200);
  });

  it('on loopback with a token, reads, writes and Bull Board actions all need it', async () => {
    const s = await serve({ DASHBOARD_TOKEN: TOKEN });
    expect((await fetch(s.url('/api/runs'))).status).toBe(401);
    expect(
      (
        await fetch(s.url('/api/runs'), {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: '{}',
        })
      ).status,
    ).toBe(401);
    for (const [method, path] of [
      ['PUT', '/queues/api/queues/classify/retry/failed'],
      ['PUT', '/queues/api/queues/classify/clean/completed'],
      ['PUT', '/queues/api/queues/classify/some-job/clean'],
      ['PUT', '/queues/api/queues/classify/some-job/retry'],
    ] as const) {
      expect((await fetch(s.url(path), { method })).status, path).toBe(401);
    }
    const authorised = await fetch(s.url('/queues/api/queues/classify/clean/completed'), {
      method: 'PUT',
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(authorised.status).toBe(200);
    const page = await (await fetch(s.url('/'), { headers: { authorization: `Bearer ${TOKEN}` } })).text();
    expect(page).toContain('Run now');
    // A Bearer client has no session to end.
    expect(page).not.toContain('Log out');
  });

  it('behind a TLS proxy under a path, links, redirects and the Secure cookie follow DASHBOARD_PUBLIC_URL', async () => {
    const s = await serve({ DASHBOARD_TOKEN: TOKEN, DASHBOARD_PUBLIC_URL: 'https://news.example.com/tidings/' });
    const gate = await fetch(s.url('/?topic=Crypto'), { headers: { accept: 'text/html' }, redirect: 'manual' });
    expect(gate.headers.get('location')).toBe('/tidings/login?next=%2F%3Ftopic%3DCrypto');
    const form = await (await fetch(s.url('/login?next=/queues'))).text();
    expect(form).toContain('action="/tidings/login"');
    const login = await fetch(s.url('/login'), {
      method: 'POST',
      headers: { origin: 'https://news.example.com' },
      body: new URLSearchParams({ token: TOKEN, next: '/queues' }),
      redirect: 'manual',
    });
    expect(login.headers.get('location')).toBe('/tidings/queues');
    const cookie = login.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/; Secure/);
    expect(cookie).toMatch(/Path=\/tidings/);
    const session = cookie.split(';')[0] ?? '';
    const page = await (await fetch(s.url('/'), { headers: { cookie: session } })).text();
    for (const link of [
      'href="/tidings/queues"',
      'action="/tidings/runs"',
      'action="/tidings/logout"',
      'href="/tidings/assets/style.css"',
      'data-base="/tidings"',
    ]) {
      expect(page).toContain(link);
    }
    const started = await fetch(s.url('/runs'), {
      method: 'POST',
      headers: { cookie: session, origin: 'https://news.example.com' },
      redirect: 'manual',
    });
    expect(started.headers.get('location')).toMatch(/^\/tidings\/\?started=/);
  });

  it('never writes the token or the Redis password into logs, /healthz, /metrics or pages', async () => {
    // A Redis user that exists only with this password: the dashboard works only if it used it.
    const password = `redis-pw-${randomBytes(8).toString('hex')}`;
    const user = `dash-${randomBytes(4).toString('hex')}`;
    await redis.call('ACL', 'SETUSER', user, 'on', `>${password}`, '~*', '&*', '+@all');
    try {
      const withPassword = new URL(testRedisUrl());
      withPassword.username = user;
      withPassword.password = password;
      const lines: string[] = [];
      const logger = createLogger('dashboard-test', {
        level: 'debug',
        destination: { write: (line: string) => void lines.push(line) },
      });
      const s = await serve({ DASHBOARD_TOKEN: TOKEN, REDIS_URL: withPassword.toString() }, { logger });
      const auth = { authorization: `Bearer ${TOKEN}` };
      const bodies: string[] = [];
      const health = await fetch(s.url('/healthz'));
      bodies.push(await health.text());
      expect(JSON.parse(bodies[0] ?? '{}')).toMatchObject({ status: 'ok', redis: { reachable: true } });
      for (const path of ['/', '/metrics', '/api/runs', '/api/topics', '/api/runs/nope', '/api/runs?offset=-1']) {
        bodies.push(await (await fetch(s.url(path), { headers: auth })).text());
      }
      const login = await fetch(s.url('/login'), {
        method: 'POST',
        body: new URLSearchParams({ token: TOKEN, next: '/' }),
        redirect: 'manual',
      });
      expect(login.status).toBe(303);
      bodies.push(
        await (await fetch(s.url('/login'), { method: 'POST', body: new URLSearchParams({ token: 'x' }) })).text(),
      );
      bodies.push(
        await (
          await fetch(s.url('/api/runs'), { headers: { authorization: 'Bearer wrong-wrong-wrong-wrong' } })
        ).text(),
      );
      open.splice(open.indexOf(s.app), 1);
      await s.app.close(); // flushes the last log lines
      const logs = lines.join('');
      expect(logs.length).toBeGreaterThan(0);
      for (const text of [logs, ...bodies]) {
        expect(text).not.toContain(password);
        expect(text).not.toContain(TOKEN);
      }
    } finally {
      await redis.call('ACL', 'DELUSER', user);
    }
  });
});
