import { generatedFeed, startFeedServer } from '@tidings/feed-fixtures';
import { requestRun } from '@tidings/run-requests';
import { createLogger } from '@tidings/runtime';
import { QUEUE } from '@tidings/shared';
import { testConfig, testRedis } from '@tidings/testing';
import { Queue } from 'bullmq';
import { afterAll, describe, expect, it } from 'vitest';
import { feedHost } from '../src/feed-host.js';
import { startLoader } from '../src/loader.js';
import { loadedRun } from './loaded-run.js';

const logger = createLogger('test', { level: 'silent' });
const redis = testRedis();
afterAll(() => redis.quit());

describe('feedHost', () => {
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
    const feeds = new Queue(QUEUE.runRequests, { connection: redis, prefix: config.prefix });
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
