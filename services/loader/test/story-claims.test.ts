import path from 'node:path';
import type { RedisConnection } from '@tidings/runtime';
import { type Article, loadConfig, redisKeys, StorySourceSchema } from '@tidings/shared';
import { FIXTURES, testPrefix, testRedis, testRedisUrl, waitFor } from '@tidings/testing';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFeed } from '../src/read-feed.js';
import { StoryClaims, type StoryClaimsOptions } from '../src/story-claims.js';

const config = loadConfig({});
const connections: RedisConnection[] = [];
const connect = () => {
  const redis = testRedis();
  connections.push(redis);
  return redis;
};
const redis = connect();
afterAll(() => Promise.all(connections.map((c) => c.quit())));

let cnbc: Article[];
let marketwire: Article[];
beforeAll(async () => {
  const read = async (name: string) => (await readFeed(path.join(FIXTURES, 'feeds', name), config.feeds)).articles;
  [cnbc, marketwire] = await Promise.all([read('cnbc-finance.xml'), read('marketwire.xml')]);
});

/** Stories the two fixtures share; cnbc-finance.xml has 12 articles, marketwire.xml 11. */
const SHARED = 7;

function claims(prefix: string, options: Partial<StoryClaimsOptions> = {}, connection = redis) {
  return new StoryClaims(connection, prefix, {
    ...config.stories,
    sourcesTtlDays: config.aggregator.retentionDays,
    ...options,
  });
}

async function sourcesOf(prefix: string, storyId: string) {
  const raws = await redis.lrange(redisKeys(prefix).storySources(storyId), 0, -1);
  return raws.map((raw) => StorySourceSchema.parse(JSON.parse(raw)));
}

const byTitle = (articles: Article[], start: string) => articles.find((a) => a.title.startsWith(start))!;

describe('StoryClaims', () => {
  it('makes one story of copies claimed at the same moment by two loaders, with every source kept once', async () => {
    for (let attempt = 0; attempt < 5; attempt++) {
      const prefix = testPrefix();
      // Two feed jobs of one run, on connections of their own, with overlapping batches.
      const first = claims(prefix, {}, connect()).claim('run-a', [...cnbc, ...marketwire.slice(0, 6)]);
      const second = claims(prefix, {}, connect()).claim('run-a', [...marketwire, ...cnbc.slice(0, 4)]);
      const results = await Promise.all([first, second]);

      // Each article has one answer, whichever loader asked.
      const storyOf = new Map<string, string>();
      const answer = (articleId: string, storyId: string) => {
        expect(storyOf.get(articleId) ?? storyId).toBe(storyId);
        storyOf.set(articleId, storyId);
      };
      for (const { stories, copies } of results) {
        for (const s of stories) answer(s.id, s.id);
        for (const c of copies) answer(c.article.id, c.storyId);
      }
      const storyIds = new Set(storyOf.values());
      expect(storyIds.size).toBe(cnbc.length + marketwire.length - SHARED);
      expect(storyOf.size).toBe(cnbc.length + marketwire.length);
      for (const storyId of storyIds) {
        const members = [...storyOf].filter(([, s]) => s === storyId).map(([id]) => id);
        const sources = await sourcesOf(prefix, storyId);
        // A story told once keeps no list (the topic store reads it as its own only source).
        if (members.length === 1) expect(sources).toEqual([]);
        else {
          expect(sources).toHaveLength(members.length);
          expect(new Set(sources.map((s) => s.link)).size).toBe(members.length);
          expect(sources[0]?.link).toBe([...cnbc, ...marketwire].find((a) => a.id === storyId)?.link);
        }
      }
    }
  });

  it('gives two runs claiming copies at once one story between them', async () => {
    const prefix = testPrefix();
    const [a, b] = await Promise.all([
      claims(prefix, {}, connect()).claim('run-a', cnbc),
      claims(prefix, {}, connect()).claim('run-b', marketwire),
    ]);
    expect(a.stories.length + b.stories.length).toBe(cnbc.length + marketwire.length - SHARED);
    expect(a.copies.length + b.copies.length).toBe(SHARED);
    const storyIds = new Set([...a.stories, ...b.stories].map((s) => s.id));
    for (const c of [...a.copies, ...b.copies]) expect(storyIds.has(c.storyId)).toBe(true);
  });

  it('lets a copy that arrives in a later run join the story, which is not classified again', async () => {
    const prefix = testPrefix();
    const store = claims(prefix);
    const first = await store.claim('run-1', cnbc);
    expect(first.stories).toEqual(cnbc);

    const later = await store.claim('run-2', marketwire);
    expect(later.stories.map((s) => s.title)).toEqual([
      'Gold hits a record high as the dollar weakens',
      'Retail sales rise more than expected in October',
      'Regulators propose easing capital rules for midsize banks',
      'Stocks close higher as tech shares rebound; Nasdaq gains 1.2%',
    ]);
    expect(later.copies).toHaveLength(SHARED);
    const bitcoin = byTitle(cnbc, 'Bitcoin slides');
    const copy = later.copies.find((c) => c.article.title.startsWith('Bitcoin falls'));
    expect(copy?.storyId).toBe(bitcoin.id);
    expect(await sourcesOf(prefix, bitcoin.id)).toEqual([
      { feed: bitcoin.feed, title: bitcoin.title, link: bitcoin.link, published: bitcoin.published },
      expect.objectContaining({ title: copy?.article.title, link: copy?.article.link }),
    ]);

    // A retried batch (same run) gets the same answer and lists no source twice.
    const retried = await store.claim('run-2', marketwire);
    expect(retried).toEqual(later);
    expect(await sourcesOf(prefix, bitcoin.id)).toHaveLength(2);
  });

  it('reclassifying both feeds classifies each story once more, not each copy', async () => {
    const prefix = testPrefix();
    const store = claims(prefix);
    const fresh = await claims(testPrefix()).claim('run-0', [...cnbc, ...marketwire], { reclassify: true });
    expect(fresh.stories).toHaveLength(cnbc.length + marketwire.length - SHARED);
    await store.claim('run-1', cnbc);
    await store.claim('run-2', marketwire);
    const again = await store.claim('run-3', [...cnbc, ...marketwire], { reclassify: true });
    expect(again.stories).toHaveLength(cnbc.length + marketwire.length - SHARED);
    expect(again.copies.map((c) => c.storyId).every((id) => cnbc.some((a) => a.id === id))).toBe(true);
    expect(await sourcesOf(prefix, byTitle(cnbc, 'Oil jumps').id)).toHaveLength(2);
  });

  it('keeps at most the cap of sources per story', async () => {
    const prefix = testPrefix();
    const oil = byTitle(cnbc, 'Oil jumps');
    const copies = Array.from({ length: 30 }, (_, i) => ({
      ...oil,
      id: `oil-copy-${i}`,
      link: `https://outlet${i}.example/oil`,
    }));
    const result = await claims(prefix, { maxSources: 5 }).claim('run-1', [oil, ...copies]);
    expect(result.stories).toEqual([oil]);
    expect(result.copies).toHaveLength(30);
    expect((await sourcesOf(prefix, oil.id)).map((s) => s.link)).toEqual([
      oil.link,
      ...copies.slice(0, 4).map((c) => c.link),
    ]);
  });

  it('forgets a story after its window: a copy two windows later is a story of its own, and every key expires', async () => {
    const prefix = testPrefix();
    const store = claims(prefix, { windowHours: 1 / 3600 });
    const bitcoin = byTitle(cnbc, 'Bitcoin slides');
    const copy = byTitle(marketwire, 'Bitcoin falls');
    await store.claim('run-1', [bitcoin]);
    for (const key of await redis.keys(`${prefix}:story-*`)) expect(await redis.ttl(key), key).toBeGreaterThan(0);
    await new Promise((resolve) => setTimeout(resolve, 2_100));
    expect((await store.claim('run-2', [copy])).stories).toEqual([copy]);
  });

  it('leaves an article without words a story of its own', async () => {
    const prefix = testPrefix();
    const blank = { ...cnbc[0]!, id: 'blank-1', title: '—', summary: '' };
    const other = { ...blank, id: 'blank-2' };
    const result = await claims(prefix).claim('run-1', [blank, other]);
    expect(result.stories).toEqual([blank, other]);
  });

  it('a retried batch lists a copy whose first attempt stopped before its source was appended', async () => {
    const prefix = testPrefix();
    const batch = [...cnbc, ...marketwire];
    await claims(prefix).claim('run-a', batch);
    const story = byTitle(cnbc, 'Oil jumps 3%');
    const copy = byTitle(marketwire, 'OPEC+ delays output increase');
    expect((await sourcesOf(prefix, story.id)).map((s) => s.link)).toEqual([story.link, copy.link]);
    // The match is made but the list never written: what a loader killed between the two scripts leaves.
    await redis.del(redisKeys(prefix).storySources(story.id));
    const again = await claims(prefix).claim('run-a', batch);
    expect(again.copies.map((c) => c.article.id)).toContain(copy.id);
    expect((await sourcesOf(prefix, story.id)).map((s) => s.link)).toEqual([story.link, copy.link]);
  });

  it('sends each script to Redis once per connection, then calls it by its SHA', async () => {
    const prefix = testPrefix();
    const monitor = await new Redis(testRedisUrl()).monitor();
    const calls: string[] = [];
    monitor.on('monitor', (_time: string, args: string[]) => {
      if (args.some((a) => a.includes(prefix))) calls.push(String(args[0]).toLowerCase());
    });
    // 23 articles in chunks of five: five calls of the claim script, on a connection that never ran it.
    await claims(prefix, { chunkSize: 5 }, connect()).claim('run-a', [...cnbc, ...marketwire]);
    await waitFor(() => calls.filter((c) => c === 'evalsha').length >= 5, { what: 'five EVALSHA calls' });
    // At most one EVAL of each of the two scripts: the first call's fallback when this server had never seen it.
    expect(calls.filter((c) => c === 'eval').length).toBeLessThanOrEqual(2);
    monitor.disconnect();
  });
});
