import { generatedFeed, startFeedServer } from '@tidings/feed-fixtures';
import { FeedList } from '@tidings/feed-list';
import { createLogger } from '@tidings/runtime';
import { QUEUE, requestRun } from '@tidings/shared';
import { CNBC_FIXTURE, testConfig, testRedis } from '@tidings/testing';
import { Queue } from 'bullmq';
import { afterAll, describe, expect, it } from 'vitest';
import { startLoader } from '../src/loader.js';
import { loadedRun } from './loaded-run.js';

const redis = testRedis();
afterAll(() => redis.quit());

describe('the feed list', () => {
  it('is read by every run beside FEED_URLS, as the operator’s own feeds, and keeps each feed’s last status', async () => {
    const server = await startFeedServer({
      '/listed.xml': (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/rss+xml' });
        res.end(generatedFeed(3, { tag: 'listed' }));
      },
      '/gone.xml': (_req, res) => void res.writeHead(410).end(),
    });
    const config = testConfig({ FEED_URLS: CNBC_FIXTURE, FETCH_RETRIES: '0' });
    const list = new FeedList(redis, config.prefix);
    // A loopback address: read because the operator listed it, with FEED_ALLOW_PRIVATE unset.
    await list.add([{ url: server.url('/listed.xml'), title: 'Listed' }, { url: server.url('/gone.xml') }]);
    const loader = await startLoader({ config, logger: createLogger('t', { level: 'silent' }), schedule: false });
    const feeds = new Queue(QUEUE.feeds, { connection: redis, prefix: config.prefix });
    const aggregate = new Queue(QUEUE.aggregate, { connection: redis, prefix: config.prefix });
    try {
      const runId = await requestRun(feeds);
      const run = await loadedRun(redis, config.prefix, runId);
      expect(run.feeds.map((f) => [f.url, f.status])).toEqual([
        [CNBC_FIXTURE, 'ok'],
        [server.url('/gone.xml'), 'failed'],
        [server.url('/listed.xml'), 'ok'],
      ]);
      expect(run.articles).toHaveLength(15);
      const listed = await list.list();
      expect(listed.map((f) => [f.url, f.last?.status])).toEqual([
        [server.url('/gone.xml'), 'failed'],
        [server.url('/listed.xml'), 'ok'],
      ]);
      expect(listed[0]?.last?.error).toContain('410');
    } finally {
      await loader.close();
      await feeds.close();
      await aggregate.close();
      await server.close();
    }
  });
});
