import Parser from 'rss-parser';
import { afterEach, describe, expect, it } from 'vitest';
import { planFarm } from '../../src/scale/farm-plan.js';
import { type FeedFarm, startFeedFarm } from '../../src/scale/feed-farm.js';

describe('the feed farm', () => {
  let farm: FeedFarm | undefined;
  afterEach(async () => {
    await farm?.close();
    farm = undefined;
  });

  it('serves each planned feed from its loopback host, behaving as planned', async () => {
    const plan = planFarm(50, 470, { tag: 't' });
    farm = await startFeedFarm(plan, { slowMs: 50 });
    expect(new Set(farm.urls.map((u) => new URL(u).hostname))).toEqual(
      new Set(['127.0.0.2', '127.0.0.3', '127.0.0.4', '127.0.0.5', '127.0.0.6', '127.0.0.7', '127.0.0.8', '127.0.0.9']),
    );
    const parser = new Parser();
    let items = 0;
    for (const [i, feed] of plan.feeds.entries()) {
      const url = farm.urls[i] ?? '';
      if (feed.kind === 'timeout') {
        await expect(fetch(url, { signal: AbortSignal.timeout(300) })).rejects.toThrow();
        continue;
      }
      const res = await fetch(url);
      const body = await res.text();
      if (feed.kind === 'error-500') expect(res.status).toBe(500);
      else if (feed.kind === 'malformed') await expect(parser.parseString(body)).rejects.toThrow();
      else {
        const parsed = await parser.parseString(body);
        expect(parsed.items).toHaveLength(feed.items);
        items += parsed.items.length;
      }
    }
    expect(items).toBe(470);
    const load = farm.load();
    expect(load.reduce((n, h) => n + h.requests, 0)).toBe(50);
    expect(load.every((h) => h.maxInFlight === 1)).toBe(true);
  });

  it('counts the requests a host has in flight at once', async () => {
    const plan = planFarm(16, 160);
    farm = await startFeedFarm(plan, { slowMs: 200 });
    const slowUrls = plan.feeds.flatMap((f, i) => (f.kind === 'slow' ? [farm?.urls[i] ?? ''] : []));
    expect(slowUrls).toHaveLength(2);
    await Promise.all(slowUrls.map(async (u) => (await fetch(u)).text()));
    expect(farm.load()[0]).toEqual({ address: '127.0.0.2', requests: 2, maxInFlight: 2 });
  });
});
