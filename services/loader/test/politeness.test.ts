import { generatedFeed, startFeedServer } from '@tidings/feed-fixtures';
import { createLogger } from '@tidings/runtime';
import { QUEUE, requestRun } from '@tidings/shared';
import { testConfig, testRedis } from '@tidings/testing';
import { Queue } from 'bullmq';
import { afterAll, describe, expect, it } from 'vitest';
import { feedHost, HostSlots } from '../src/host-slots.js';
import { startLoader } from '../src/loader.js';
import { loadedRun } from './loaded-run.js';

const logger = createLogger('test', { level: 'silent' });
const redis = testRedis();
afterAll(() => redis.quit());

describe('HostSlots', () => {
  const slots = (options: { slots: number; gapMs: number; leaseMs: number }) =>
    new HostSlots(redis, testConfig().prefix, options);

  it('lets `slots` readers at a host at once; the next waits until one leaves', async () => {
    const host = slots({ slots: 2, gapMs: 0, leaseMs: 60_000 });
    expect(await host.take('a.example', 'r1')).toBe(0);
    expect(await host.take('a.example', 'r2')).toBe(0);
    expect(await host.take('a.example', 'r3')).toBeGreaterThan(0);
    // Another host is not held up by this one.
    expect(await host.take('b.example', 'r3')).toBe(0);
    await host.release('a.example', 'r1');
    expect(await host.take('a.example', 'r3')).toBe(0);
  });

  it('spaces requests to a host by the gap, and says how long to wait', async () => {
    const host = slots({ slots: 5, gapMs: 1_000, leaseMs: 60_000 });
    const now = Date.now();
    expect(await host.take('gap.example', 'r1', now)).toBe(0);
    expect(await host.take('gap.example', 'r2', now + 400)).toBe(600);
    expect(await host.take('gap.example', 'r2', now + 1_000)).toBe(0);
  });

  it('frees the slot of a reader that died holding it once its lease ends', async () => {
    const host = slots({ slots: 1, gapMs: 0, leaseMs: 200 });
    const now = Date.now();
    expect(await host.take('dead.example', 'killed', now)).toBe(0);
    expect(await host.take('dead.example', 'next', now + 100)).toBeGreaterThan(0);
    expect(await host.take('dead.example', 'next', now + 250)).toBe(0);
  });

  it('names the host of an http(s) feed, and none for a file', () => {
    expect(feedHost('https://Feeds.Example.com:8443/rss?x=1')).toBe('feeds.example.com');
    expect(feedHost('fixtures/feeds/atom.xml')).toBeUndefined();
    expect(feedHost('file:///etc/passwd')).toBeUndefined();
  });
});

describe('a run over many feeds', () => {
  it('reads a slow host one feed at a time while the feeds of another host pass it', async () => {
    let inFlight = 0;
    let mostAtOnce = 0;
    const finished: string[] = [];
    const slow = (name: string) => (_req: unknown, res: import('node:http').ServerResponse) => {
      inFlight++;
      mostAtOnce = Math.max(mostAtOnce, inFlight);
      setTimeout(() => {
        inFlight--;
        finished.push(name);
        res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(generatedFeed(2, { tag: name }));
      }, 700);
    };
    const fast = (name: string) => (_req: unknown, res: import('node:http').ServerResponse) => {
      finished.push(name);
      res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(generatedFeed(2, { tag: name }));
    };
    const server = await startFeedServer({
      '/slow-1': slow('slow-1'),
      '/slow-2': slow('slow-2'),
      '/slow-3': slow('slow-3'),
      '/fast-1': fast('fast-1'),
      '/fast-2': fast('fast-2'),
    });
    // One server, two hosts as far as politeness goes: 127.0.0.1 (slow) and localhost (fast).
    const slowFeeds = ['/slow-1', '/slow-2', '/slow-3'].map((p) => server.url(p));
    const fastFeeds = ['/fast-1', '/fast-2'].map((p) => server.url(p).replace('127.0.0.1', 'localhost'));
    const config = testConfig({
      FEED_URLS: [...slowFeeds, ...fastFeeds].join(','),
      FEED_CONCURRENCY: '3',
      FEED_HOST_CONCURRENCY: '1',
      FEED_HOST_DELAY_MS: '0',
      FETCH_RETRIES: '0',
    });
    const loader = await startLoader({ config, logger, schedule: false });
    const feeds = new Queue(QUEUE.feeds, { connection: redis, prefix: config.prefix });
    try {
      const run = await loadedRun(redis, config.prefix, await requestRun(feeds));
      expect(run.feeds.map((f) => f.status)).toEqual(['ok', 'ok', 'ok', 'ok', 'ok']);
      expect(run.articles).toHaveLength(10);
      expect(mostAtOnce).toBe(1);
      // Both fast feeds were read before the slow host's last feed.
      expect(finished.indexOf('fast-2')).toBeLessThan(finished.indexOf('slow-3'));
      expect(finished.indexOf('fast-1')).toBeLessThan(finished.indexOf('slow-3'));
    } finally {
      await loader.close();
      await feeds.close();
      await server.close();
    }
  });
});
