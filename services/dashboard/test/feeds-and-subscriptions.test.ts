import { createLogger, recordProblem } from '@tidings/runtime';
import type { TopicArticle } from '@tidings/shared';
import { SubscriptionStore } from '@tidings/subscriptions';
import { buildRun, buildTopicArticle, testConfig, testRedis } from '@tidings/testing';
import { TopicStoreWriter } from '@tidings/topic-store';
import Parser from 'rss-parser';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { buildDashboard } from '../src/index.js';

const TOKEN = 'feeds-test-token-0123456789';
const silent = createLogger('feeds-test', { level: 'silent' });
const redis = testRedis();
afterAll(() => redis.quit());
const open: { close(): Promise<unknown> }[] = [];
afterEach(async () => {
  for (const app of open.splice(0)) await app.close();
});

const article = (id: string, label: string, published: string, link = `https://news.example/${id}`) =>
  buildTopicArticle({
    id,
    label,
    published,
    link,
    title: `Story ${id} <b>&</b> more`,
    summary: `Summary of ${id}`,
    runId: 'run-1',
  });

const run = (articles: TopicArticle[]) =>
  buildRun({ articles, startedAt: '2026-11-24T12:00:00.000Z', durationMs: 1000 });

async function serve(env: Record<string, string> = {}) {
  const config = testConfig(env);
  await new TopicStoreWriter(redis, config.prefix).writeRun(
    run([
      article('oil1', 'Oil or Gas', '2026-11-24T08:00:00.000Z'),
      article('oil2', 'Oil or Gas', '2026-11-24T10:00:00.000Z', 'javascript:alert(1)'),
      article('btc1', 'Crypto', '2026-11-24T09:00:00.000Z'),
      article('ipo1', 'IPO', '2026-11-24T11:00:00.000Z'),
    ]),
  );
  const { app } = await buildDashboard({ config, logger: silent });
  open.push(app);
  const address = await app.listen({ host: '127.0.0.1', port: 0 });
  const url = (path: string) => `${address}${path}`;
  const json = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
    fetch(url(path), {
      method,
      headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  return { config, url, json };
}

describe('topic feeds', () => {
  it('serve a topic as Atom 1.0 that a feed parser reads back: newest first, text only, http(s) links', async () => {
    const { url } = await serve();
    const res = await fetch(url('/feeds/oil-or-gas.xml'));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/atom+xml; charset=utf-8');
    const xml = await res.text();
    const feed = await new Parser().parseString(xml);
    expect(feed.title).toBe('tidings: Oil or Gas');
    expect(feed.items.map((i) => i.id)).toEqual(['urn:tidings:article:oil2', 'urn:tidings:article:oil1']);
    expect(feed.items[1]?.title).toBe('Story oil1 <b>&</b> more');
    expect(feed.items[1]?.link).toBe('https://news.example/oil1');
    expect(feed.items[0]?.link).toBeUndefined();
    expect(xml).not.toContain('javascript:');
    expect(xml).toContain('<category term="Oil or Gas" label="Oil or Gas"/>');
    expect(xml).toContain('<t:score>0.8000</t:score>');
  });

  it('serve every topic as JSON Feed 1.1 with its required fields, and answer 304 to a repeated conditional request', async () => {
    const { url } = await serve();
    const res = await fetch(url('/feeds/all.json'));
    const feed = await res.json();
    expect(feed.version).toBe('https://jsonfeed.org/version/1.1');
    expect(typeof feed.title).toBe('string');
    expect(feed.items.map((i: { id: string }) => i.id)).toEqual([
      'urn:tidings:article:ipo1',
      'urn:tidings:article:oil2',
      'urn:tidings:article:btc1',
      'urn:tidings:article:oil1',
    ]);
    for (const item of feed.items) {
      expect(typeof item.id).toBe('string');
      expect(typeof item.content_text).toBe('string');
      expect(item.content_html).toBeUndefined();
    }
    expect(feed.items[0]).toMatchObject({ tags: ['IPO'], _tidings: { topic: 'IPO', score: 0.8 } });
    const etag = res.headers.get('etag') ?? '';
    expect((await fetch(url('/feeds/all.json'), { headers: { 'if-none-match': etag } })).status).toBe(304);
    const modified = res.headers.get('last-modified') ?? '';
    expect((await fetch(url('/feeds/all.json'), { headers: { 'if-modified-since': modified } })).status).toBe(304);
    expect((await fetch(url('/feeds/no-such-topic.xml'))).status).toBe(404);
  });

  it('need a key derived from the token when one is set; the key opens feeds and nothing else', async () => {
    const { url } = await serve({ DASHBOARD_TOKEN: TOKEN });
    expect((await fetch(url('/feeds/crypto.xml'))).status).toBe(401);
    expect((await fetch(url('/feeds/crypto.xml?key=0123456789abcdef0123456789abcdef'))).status).toBe(401);
    const page = await (await fetch(url('/'), { headers: { authorization: `Bearer ${TOKEN}` } })).text();
    const key = /<code id="feed-key">([a-f0-9]{32})<\/code>/.exec(page)?.[1] ?? '';
    expect(key).toMatch(/^[a-f0-9]{32}$/);
    expect(page).not.toContain(TOKEN);
    expect((await fetch(url(`/feeds/crypto.xml?key=${key}`))).status).toBe(200);
    expect((await fetch(url(`/api/topics?key=${key}`))).status).toBe(401);
    expect((await fetch(url(`/?key=${key}`), { redirect: 'manual' })).status).not.toBe(200);
  });

  it('are offered on the page: an alternate link and a Subscribe link per topic', async () => {
    const { url } = await serve();
    const page = await (await fetch(url('/'))).text();
    expect(page).toMatch(
      /<link rel="alternate" type="application\/atom\+xml" title="tidings: every topic \(Atom\)" href="http:\/\/127\.0\.0\.1:\d+\/feeds\/all\.atom">/,
    );
    expect(page).toMatch(
      /<link rel="alternate" type="application\/feed\+json" title="tidings: every topic \(JSON Feed\)" href="http:\/\/127\.0\.0\.1:\d+\/feeds\/all\.json">/,
    );
    expect(page).toMatch(/<a class="subscribe" href="http:\/\/127\.0\.0\.1:\d+\/feeds\/oil-or-gas\.atom"/);
  });
});

describe('subscriptions', () => {
  it('are managed through the API: personal feeds of exactly the chosen topics, keys that rotate, and unsubscribe links', async () => {
    const served = await serve({ DASHBOARD_PUBLIC_URL: 'https://news.example.org/', DASHBOARD_TOKEN: TOKEN });
    const { url } = served;
    // Listing and rotating are served only with a token; feeds and unsubscribe links need only their key.
    const json = (method: string, path: string, body?: unknown) =>
      served.json(method, path, body, { authorization: `Bearer ${TOKEN}` });
    const created = await json('POST', '/api/subscriptions', {
      name: 'Ann',
      topics: ['Crypto', 'IPO'],
      webhookUrl: 'https://hooks.example.org/ann',
    });
    expect(created.status).toBe(201);
    const ann = await created.json();
    expect(ann.feedUrl).toMatch(/^https:\/\/news\.example\.org\/feeds\/s\/[a-f0-9]{32}\.atom$/);
    expect(ann.jsonFeedUrl).toBe(ann.feedUrl.replace(/\.atom$/, '.json'));
    expect(ann.webhookSecret).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
    const bob = await (await json('POST', '/api/subscriptions', { name: 'Bob', topics: ['Oil or Gas'] })).json();
    expect(bob.webhookSecret).toBeUndefined();

    const listed = await (await json('GET', '/api/subscriptions')).json();
    expect(listed.subscriptions.map((s: { name: string }) => s.name).sort()).toEqual(['Ann', 'Bob']);
    expect(JSON.stringify(listed)).not.toContain(ann.webhookSecret);

    const annKey = new URL(ann.feedUrl).pathname.split('/').pop()?.replace('.atom', '') ?? '';
    const annFeed = await new Parser().parseString(await (await fetch(url(`/feeds/s/${annKey}.xml`))).text());
    expect(annFeed.items.map((i) => i.id)).toEqual(['urn:tidings:article:ipo1', 'urn:tidings:article:btc1']);
    // A personal key opens its own feed only.
    expect((await fetch(url(`/feeds/crypto.xml?key=${annKey}`))).status).toBe(401);

    expect((await json('POST', '/api/subscriptions', { name: 'Cy', topics: ['Gold'] })).status).toBe(400);
    const patched = await (await json('PATCH', `/api/subscriptions/${bob.id}`, { topics: ['Crypto'] })).json();
    expect(patched.topics).toEqual(['Crypto']);
    // A webhook added by PATCH is signed with a new secret: shown in that answer, and only there.
    const hooked = await (
      await json('PATCH', `/api/subscriptions/${bob.id}`, { webhookUrl: 'https://hooks.example.org/bob' })
    ).json();
    expect(hooked.webhookSecret).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
    const renamed = await (await json('PATCH', `/api/subscriptions/${bob.id}`, { name: 'Robert' })).json();
    expect(renamed.webhookSecret).toBeUndefined();
    const moved = await (
      await json('PATCH', `/api/subscriptions/${bob.id}`, { webhookUrl: 'https://hooks.example.org/robert' })
    ).json();
    expect(moved.webhookSecret).toBeUndefined();

    const rotation = await json('POST', `/api/subscriptions/${ann.id}/rotate-key`);
    expect(rotation.status).toBe(200);
    const rotated = await rotation.json();
    expect(rotated.feedUrl).not.toBe(ann.feedUrl);
    expect((await fetch(url(`/feeds/s/${annKey}.xml`))).status).toBe(404);

    const newKey = new URL(rotated.feedUrl).pathname.split('/').pop()?.replace('.atom', '') ?? '';
    // Following the link only asks; the button (or a mail client's one-click POST) unsubscribes.
    expect((await fetch(url(`/unsubscribe/${newKey}`))).status).toBe(200);
    expect((await fetch(url(`/feeds/s/${newKey}.json`))).status).toBe(200);
    expect((await fetch(url(`/unsubscribe/${newKey}`), { method: 'POST' })).status).toBe(200);
    expect((await fetch(url(`/feeds/s/${newKey}.json`))).status).toBe(404);
    expect((await json('DELETE', `/api/subscriptions/${bob.id}`)).status).toBe(204);
    expect((await (await json('GET', '/api/subscriptions')).json()).subscriptions).toEqual([]);
  });

  it('need the token to be managed when one is set, while a personal feed needs only its key', async () => {
    const { url, json } = await serve({ DASHBOARD_TOKEN: TOKEN });
    expect((await json('POST', '/api/subscriptions', { name: 'Eve', topics: ['Crypto'] })).status).toBe(401);
    expect((await json('GET', '/api/subscriptions')).status).toBe(401);
    const auth = { authorization: `Bearer ${TOKEN}` };
    const sub = await (await json('POST', '/api/subscriptions', { name: 'Ann', topics: ['Crypto'] }, auth)).json();
    const key = new URL(sub.feedUrl).pathname.split('/').pop()?.replace('.atom', '') ?? '';
    expect((await fetch(url(`/feeds/s/${key}.xml`))).status).toBe(200);
    // The subscriber's page is opened by the same key, and by nothing else.
    expect((await fetch(url(`/s/${key}`))).status).toBe(200);
    expect((await fetch(url(`/s/${key.replace(/^./, (c) => (c === 'a' ? 'b' : 'a'))}`))).status).toBe(404);
  });

  it('are listed and have their key and secret rotated only with DASHBOARD_TOKEN set, and say so without it', async () => {
    const made = async (config: { prefix: string; zeroShot: { labels: string[] } }) => {
      const store = new SubscriptionStore(redis, config.prefix, { labels: config.zeroShot.labels });
      return {
        store,
        sub: await store.create({ name: 'Ann', topics: ['Crypto'], webhookUrl: 'https://hooks.example.org/ann' }),
      };
    };
    const routes = (id: string): [string, string][] => [
      ['GET', '/api/subscriptions'],
      ['POST', `/api/subscriptions/${id}/rotate-key`],
      ['POST', `/api/subscriptions/${id}/rotate-webhook-secret`],
    ];

    const tokenless = await serve();
    const { store, sub } = await made(tokenless.config);
    for (const [method, path] of routes(sub.id)) {
      const refused = await tokenless.json(method, path);
      expect(refused.status, `${method} ${path}`).toBe(403);
      expect(await refused.json()).toEqual({
        error: 'TIDINGS_DASHBOARD_TOKEN_NEEDED',
        message:
          'with no DASHBOARD_TOKEN, subscriber details and secret rotation are not served over HTTP: set DASHBOARD_TOKEN, or use `tidings subscribers list` / `tidings subscribers rotate-secret`',
      });
    }
    // Setting a webhook makes a signing secret, so it needs the token too; other changes do not.
    for (const webhookUrl of ['https://hooks.example.org/mallory', null]) {
      const refused = await tokenless.json('PATCH', `/api/subscriptions/${sub.id}`, { webhookUrl });
      expect(refused.status).toBe(403);
      expect((await refused.json()).message).toContain('a webhook is not set over HTTP');
    }
    expect(await store.get(sub.id)).toEqual(sub);
    expect((await tokenless.json('PATCH', `/api/subscriptions/${sub.id}`, { name: 'Ann B.' })).status).toBe(200);

    const withToken = await serve({ DASHBOARD_TOKEN: TOKEN });
    const other = await made(withToken.config);
    for (const [method, path] of routes(other.sub.id)) {
      const answer = await withToken.json(method, path, undefined, { authorization: `Bearer ${TOKEN}` });
      expect(answer.status, `${method} ${path}`).toBe(200);
    }
    const rotated = await other.store.get(other.sub.id);
    expect(rotated?.feedKey).not.toBe(other.sub.feedKey);
    expect(rotated?.webhookSecret).not.toBe(other.sub.webhookSecret);
  });

  it('refuse a webhook on a private address unless FEED_ALLOW_PRIVATE says every such address is trusted', async () => {
    const closed = await serve();
    const refused = await closed.json('POST', '/api/subscriptions', {
      name: 'Mallory',
      topics: ['Crypto'],
      webhookUrl: 'http://127.0.0.1:6379/',
    });
    expect(refused.status).toBe(400);
    expect((await refused.json()).message).toBe(
      'webhookUrl: http://127.0.0.1:6379 resolves to a loopback, private, link-local or metadata address; use a public address, or set FEED_ALLOW_PRIVATE=true where every such address is trusted',
    );
    const viaDns = await closed.json('POST', '/api/subscriptions', {
      name: 'Mallory',
      topics: ['Crypto'],
      webhookUrl: 'http://localhost:6379/',
    });
    expect(viaDns.status).toBe(400);
    const open = await serve({ FEED_ALLOW_PRIVATE: 'true' });
    const allowed = await open.json('POST', '/api/subscriptions', {
      name: 'Lab',
      topics: ['Crypto'],
      webhookUrl: 'http://127.0.0.1:8080/hook',
    });
    expect(allowed.status).toBe(201);
  });

  it('can be made with the page’s form, without JavaScript', async () => {
    const { url } = await serve();
    const form = new URLSearchParams([
      ['name', 'Dee'],
      ['topics', 'Crypto'],
      ['topics', 'IPO'],
    ]);
    const res = await fetch(url('/subscriptions'), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form.toString(),
    });
    expect(res.status).toBe(201);
    const page = await res.text();
    expect(page).toContain('Subscribed <strong>Dee</strong> to Crypto, IPO.');
    expect(page).toMatch(/id="personal-feed" href="http:\/\/127\.0\.0\.1:\d+\/feeds\/s\/[a-f0-9]{32}\.atom"/);
  });

  it('takes own topics from the form, one a line, and shows a refused one’s reason', async () => {
    const { url } = await serve();
    const post = (fields: [string, string][]) =>
      fetch(url('/subscriptions'), {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(fields).toString(),
      });
    const ok = await post([
      ['name', 'Dee'],
      ['topics', 'Crypto'],
      ['ownTopics', 'electric vehicles\r\n\r\nLithium   mines\r\n'],
    ]);
    expect(ok.status).toBe(201);
    const page = await ok.text();
    expect(page).toContain('Subscribed <strong>Dee</strong> to Crypto, “electric vehicles”, “Lithium mines”.');
    expect(page).toMatch(/id="subscriber-page" href="http:\/\/127\.0\.0\.1:\d+\/s\/[a-f0-9]{32}"/);
    const bad = await post([
      ['name', 'Dee'],
      ['ownTopics', 'rates <b>now</b>'],
    ]);
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('Not subscribed: ownTopics[0]: contains &lt; or &gt;: markup is not a topic');
  });
});

describe('problems', () => {
  it('show at the top of the page and in /metrics, the same list tidings status reports', async () => {
    const { config, url } = await serve();
    await recordProblem(redis, config.prefix, 'model-unavailable:host-a', {
      kind: 'model-unavailable',
      message: 'cannot load the NLI model: the folder lacks config.json',
      where: 'host-a',
    });
    const page = await (await fetch(url('/'))).text();
    expect(page).toContain('<h2>Problems (1)</h2>');
    expect(page).toContain(
      '<li data-problem="model-unavailable"><strong>model-unavailable</strong> at host-a: cannot load the NLI model',
    );
    const metrics = await (await fetch(url('/metrics'))).text();
    expect(metrics).toContain('tidings_problems{kind="model-unavailable"} 1');
    expect(metrics).toContain('tidings_problems{kind="feed-failing"} 0');
  });
});
