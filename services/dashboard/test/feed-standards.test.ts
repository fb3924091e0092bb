import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createLogger } from '@tidings/runtime';
import { type TopicArticle, topicFeedKey, topicSlug } from '@tidings/shared';
import { SubscriptionStore } from '@tidings/subscriptions';
import {
  buildRun,
  buildTopicArticle,
  FIXTURES,
  parseStrictJson,
  testConfig,
  testRedis,
  xmlWellFormednessError,
} from '@tidings/testing';
import { TopicStoreWriter } from '@tidings/topic-store';
import { parseAtomFeed, parseJsonFeed, parseOpml } from 'feedsmith';
import Parser from 'rss-parser';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { buildDashboard } from '../src/index.js';

const ATOM_SCHEMA = path.join(FIXTURES, 'schemas/atom.rnc');
const HUB = 'https://hub.example.org/';
const TOKEN = 'feed-standards-token-0123456789';
const silent = createLogger('feed-standards-test', { level: 'silent' });
const redis = testRedis();
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'tidings-feed-standards-'));
afterAll(async () => {
  await redis.quit();
  fs.rmSync(scratch, { recursive: true, force: true });
});
const open: { close(): Promise<unknown> }[] = [];
afterEach(async () => {
  for (const app of open.splice(0)) await app.close();
});

/**
 * Runs Debian's jing once over Atom documents with RFC 4287's RELAX NG schema (one JVM for
 * all of them); the errors it prints, each naming its file, or "".
 */
function jingErrors(documents: Record<string, string>): string {
  const files = Object.entries(documents).map(([name, xml]) => {
    const file = path.join(scratch, `${name.replace(/[^a-z0-9]+/gi, '_')}.xml`);
    fs.writeFileSync(file, xml);
    return file;
  });
  const result = spawnSync('jing', ['-c', ATOM_SCHEMA, ...files], { encoding: 'utf8' });
  if (result.error) throw new Error(`jing did not run (apt-get install jing): ${result.error.message}`);
  return result.status === 0 ? '' : result.stdout.trim() || `jing exited ${result.status}: ${result.stderr}`;
}

const article = (id: string, label: string, published: string, extra: Partial<TopicArticle> = {}) =>
  buildTopicArticle({
    id,
    title: `Story ${id} <b>&</b> "quoted" \u0007 more`,
    summary: `Summary of ${id} & <script>x</script>`,
    link: `https://news.example/${id}?a=1&b=2`,
    published,
    fetchedAt: published,
    label,
    ...extra,
  });

async function serve(env: Record<string, string> = {}) {
  const config = testConfig({ WEBSUB_HUB_URLS: HUB, ...env });
  await new TopicStoreWriter(redis, config.prefix).writeRun(
    buildRun({
      articles: [
        article('oil1', 'Oil or Gas', '2026-11-24T08:00:00.000Z'),
        // No usable link and no summary: an entry still needs what RFC 4287 requires.
        article('oil2', 'Oil or Gas', '2026-11-24T10:00:00.000Z', { link: 'javascript:alert(1)', summary: '' }),
        article('btc1', 'Crypto', '2026-11-24T09:00:00.000Z', { title: '' }),
        article('ipo1', 'IPO', '2026-11-24T11:00:00.000Z'),
      ],
    }),
  );
  const { app } = await buildDashboard({ config, logger: silent });
  open.push(app);
  const address = await app.listen({ host: '127.0.0.1', port: 0 });
  return { config, url: (p: string) => `${address}${p}` };
}

describe('feeds checked against their specifications', () => {
  it('RFC 4287: jing with the RFC’s RELAX NG schema refuses a broken Atom document', () => {
    const broken = '<feed xmlns="http://www.w3.org/2005/Atom"><title>no id, no updated</title></feed>';
    expect(jingErrors({ broken })).toContain('missing required element');
  });

  it('every topic feed and a personal feed, at .atom and the former .xml, are valid Atom (RFC 4287 RELAX NG) that two readers parse, naming the hub and themselves', async () => {
    const { config, url } = await serve();
    const sub = await new SubscriptionStore(redis, config.prefix, { labels: config.zeroShot.labels }).create({
      name: 'Ann',
      topics: ['Crypto', 'Oil or Gas'],
    });
    const paths = [
      ...config.zeroShot.labels.map((l) => `/feeds/${topicSlug(l)}.atom`),
      '/feeds/all.atom',
      `/feeds/s/${sub.feedKey}.atom`,
      // Atom's URLs from before it had its own extension: each names itself as it was fetched.
      '/feeds/all.xml',
      `/feeds/s/${sub.feedKey}.xml`,
    ];
    const documents: Record<string, string> = {};
    for (const feedPath of paths) documents[feedPath] = await (await fetch(url(feedPath))).text();
    expect(jingErrors(documents)).toBe('');
    for (const [feedPath, xml] of Object.entries(documents)) {
      const atom = parseAtomFeed(xml);
      // What the RFC's schema states only as Schematron rules, which jing does not run.
      expect(atom.authors?.length, feedPath).toBeGreaterThan(0);
      for (const entry of atom.entries ?? []) {
        const alternate = entry.links?.some((l) => (l.rel ?? 'alternate') === 'alternate');
        expect(alternate || entry.content !== undefined, `${feedPath} ${entry.id}: no alternate link, no content`).toBe(
          true,
        );
      }
      expect(atom.id, feedPath).toMatch(/^urn:tidings:/);
      const self = atom.links?.find((l) => l.rel === 'self')?.href;
      expect(self, feedPath).toBe(url(feedPath));
      const hubs = atom.links?.filter((l) => l.rel === 'hub').map((l) => l.href);
      // Personal feeds name no hub: their URL is their subscriber's key.
      expect(hubs, feedPath).toEqual(feedPath.startsWith('/feeds/s/') ? [] : [HUB]);
      const read = await new Parser().parseString(xml);
      expect(read.items.length, feedPath).toBe(atom.entries?.length ?? 0);
    }
    const oil = parseAtomFeed(await (await fetch(url('/feeds/oil-or-gas.xml'))).text());
    expect(oil.entries?.map((e) => e.title?.value)).toEqual([
      'Story oil2 <b>&</b> "quoted"  more',
      'Story oil1 <b>&</b> "quoted"  more',
    ]);
    expect(oil.entries?.[1]?.links?.[0]?.href).toBe('https://news.example/oil1?a=1&b=2');
  });

  it('JSON Feed 1.1: version, title and items with an id and content on every feed, hubs on topic feeds', async () => {
    const { config, url } = await serve();
    for (const slug of [...config.zeroShot.labels.map(topicSlug), 'all']) {
      const res = await fetch(url(`/feeds/${slug}.json`));
      expect(res.headers.get('link')).toBe(`<${HUB}>; rel="hub", <${url(`/feeds/${slug}.json`)}>; rel="self"`);
      const raw = await res.json();
      expect(raw.version).toBe('https://jsonfeed.org/version/1.1');
      expect(typeof raw.title).toBe('string');
      expect(Array.isArray(raw.items)).toBe(true);
      for (const item of raw.items) {
        expect(typeof item.id).toBe('string');
        expect(typeof item.content_text === 'string' || typeof item.content_html === 'string').toBe(true);
        if (item.url !== undefined) expect(item.url).toMatch(/^https?:\/\//);
      }
      const feed = parseJsonFeed(raw);
      expect(feed.feed_url).toBe(url(`/feeds/${slug}.json`));
      expect(feed.hubs).toEqual([{ type: 'WebSub', url: HUB }]);
    }
  });

  it('OPML 2.0: /feeds.opml has one rss outline per topic that a reader imports, and each opens its feed', async () => {
    const { config, url } = await serve();
    const res = await fetch(url('/feeds.opml'));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/x-opml; charset=utf-8');
    const text = await res.text();
    expect(text).toMatch(/<opml version="2\.0">/);
    const opml = parseOpml(text);
    expect(opml.head?.title).toBe('tidings: every topic');
    const outlines = opml.body?.outlines ?? [];
    expect(outlines.map((o) => o.text)).toEqual(config.zeroShot.labels.map((l) => `tidings: ${l}`));
    for (const outline of outlines) {
      expect(outline.type).toBe('rss');
      expect(outline.htmlUrl).toBe(url('/'));
      const feed = await fetch(outline.xmlUrl ?? '');
      expect(feed.status).toBe(200);
      expect(feed.headers.get('content-type')).toBe('application/atom+xml; charset=utf-8');
    }
  });

  it('OPML with DASHBOARD_TOKEN: opened only by the topic feeds’ key, and every outline carries it', async () => {
    const { config, url } = await serve({ DASHBOARD_TOKEN: TOKEN });
    expect((await fetch(url('/feeds.opml'))).status).toBe(401);
    expect((await fetch(url('/feeds.opml?key=0123456789abcdef0123456789abcdef'))).status).toBe(401);
    const key = topicFeedKey(TOKEN);
    const opml = parseOpml(await (await fetch(url(`/feeds.opml?key=${key}`))).text());
    const outlines = opml.body?.outlines ?? [];
    expect(outlines).toHaveLength(config.zeroShot.labels.length);
    for (const outline of outlines) {
      expect(new URL(outline.xmlUrl ?? '').searchParams.get('key')).toBe(key);
      expect((await fetch(outline.xmlUrl ?? '')).status).toBe(200);
    }
    // The key opens feeds, nothing else.
    expect((await fetch(url(`/api/topics?key=${key}`))).status).toBe(401);
    // The page offers the list with its key.
    const page = await (await fetch(url('/'), { headers: { authorization: `Bearer ${TOKEN}` } })).text();
    const offered = /id="topics-opml" href="([^"]+)"/.exec(page)?.[1]?.replace(/&amp;/g, '&');
    expect(offered).toBe(url(`/feeds.opml?key=${key}`));
  });

  it('a subscriber’s own OPML, by their feed key, lists their personal feed', async () => {
    const { config, url } = await serve({ DASHBOARD_TOKEN: TOKEN });
    const sub = await new SubscriptionStore(redis, config.prefix, { labels: config.zeroShot.labels }).create({
      name: 'Ann',
      topics: ['Crypto', 'IPO'],
    });
    const opml = parseOpml(await (await fetch(url(`/feeds/s/${sub.feedKey}.opml`))).text());
    expect(opml.body?.outlines).toEqual([
      {
        type: 'rss',
        text: 'tidings for Ann: Crypto, IPO',
        title: 'tidings for Ann: Crypto, IPO',
        xmlUrl: url(`/feeds/s/${sub.feedKey}.atom`),
        htmlUrl: url('/'),
      },
    ]);
    expect((await fetch(url(`/feeds/s/${'0'.repeat(32)}.opml`))).status).toBe(404);
  });

  it('names and titles with C0 controls, U+FFFF or a lone surrogate leave every XML answer well-formed and every JSON answer strict', async () => {
    // With the token, so the list of subscriptions is served; topic feeds then need their key.
    const { config, url } = await serve({ DASHBOARD_TOKEN: TOKEN });
    const auth = { authorization: `Bearer ${TOKEN}` };
    const topicKey = topicFeedKey(TOKEN);
    const nasty = 'Ann\u0001\u0008\u001F\uFFFF\uD800 & \uDC00 <x> \uD83D\uDE00';
    await new TopicStoreWriter(redis, config.prefix).writeRun(
      buildRun({
        id: 'run-2',
        startedAt: '2026-11-24T13:00:00.000Z',
        articles: [
          article('odd1', 'Crypto', '2026-11-24T12:00:00.000Z', { title: nasty, summary: nasty, runId: 'run-2' }),
        ],
      }),
    );
    // Sent as JSON, whose \ud800 escapes are how a lone surrogate reaches a name.
    const created = await fetch(url('/api/subscriptions'), {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...auth },
      body: JSON.stringify({ name: nasty, topics: ['Crypto'] }),
    });
    expect(created.status).toBe(201);
    const key = new URL(((await created.json()) as { feedUrl: string }).feedUrl).pathname.split('/').pop() ?? '';
    const bytes = async (p: string) => {
      const res = await fetch(url(p), { headers: auth });
      expect(res.status, p).toBe(200);
      return new Uint8Array(await res.arrayBuffer());
    };
    for (const p of [
      `/feeds/s/${key.replace('.atom', '.opml')}`,
      `/feeds/s/${key}`,
      `/feeds/crypto.xml?key=${topicKey}`,
    ]) {
      expect(xmlWellFormednessError(await bytes(p)), p).toBe('');
    }
    const listed = parseStrictJson(await bytes('/api/subscriptions')) as { subscriptions: { name: string }[] };
    expect(listed.subscriptions.map((s) => s.name)).toEqual([
      'Ann\u0001\u0008\u001F\uFFFF\uFFFD & \uFFFD <x> \uD83D\uDE00',
    ]);
    for (const p of [`/feeds/s/${key.replace('.atom', '.json')}`, `/feeds/crypto.json?key=${topicKey}`]) {
      const feed = parseStrictJson(await bytes(p)) as { items: { title: string }[] };
      expect(
        feed.items.map((i) => i.title),
        p,
      ).toContain('Ann\u0001\u0008\u001F\uFFFF\uFFFD & \uFFFD <x> \uD83D\uDE00');
    }
  });
});
