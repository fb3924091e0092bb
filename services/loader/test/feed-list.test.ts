import { generatedFeed, startFeedServer } from '@tidings/feed-fixtures';
import { FeedList } from '@tidings/feed-list';
import { requestRun } from '@tidings/run-requests';
import { createLogger } from '@tidings/runtime';
import { QUEUE } from '@tidings/shared';
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
    // The feed farm is on loopback: allowed here, as an operator with an intranet feed would.
    const config = testConfig({ FEED_URLS: CNBC_FIXTURE, FETCH_RETRIES: '0', FEED_ALLOW_PRIVATE: 'true' });
    const list = new FeedList(redis, config.prefix);
    await list.add([{ url: server.url('/listed.xml'), title: 'Listed' }, { url: server.url('/gone.xml') }]);
    const loader = await startLoader({ config, logger: createLogger('t', { level: 'silent' }), schedule: false });
    const feeds = new Queue(QUEUE.runRequests, { connection: redis, prefix: config.prefix });
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

  it('is no way to a private address: a listed loopback feed is refused, unread, unless FEED_ALLOW_PRIVATE', async () => {
    let requests = 0;
    const server = await startFeedServer({
      '/inside.xml': (_req, res) => {
        requests++;
        res.writeHead(200, { 'content-type': 'application/rss+xml' });
        res.end(generatedFeed(2, { tag: 'inside' }));
      },
    });
    const config = testConfig({ FEED_URLS: CNBC_FIXTURE, FETCH_RETRIES: '0', FEED_ALLOW_PRIVATE: 'false' });
    // Written straight to the list, as an import before imports were checked could have left it.
    await new FeedList(redis, config.prefix).add([{ url: server.url('/inside.xml') }]);
    const loader = await startLoader({ config, logger: createLogger('t', { level: 'silent' }), schedule: false });
    const feeds = new Queue(QUEUE.runRequests, { connection: redis, prefix: config.prefix });
    const aggregate = new Queue(QUEUE.aggregate, { connection: redis, prefix: config.prefix });
    try {
      const run = await loadedRun(redis, config.prefix, await requestRun(feeds));
      const inside = run.feeds.find((f) => f.url === server.url('/inside.xml'));
      expect(inside).toMatchObject({ status: 'failed', error: { code: 'FEED_ADDRESS_REFUSED' } });
      expect(requests).toBe(0);
      expect(run.feeds.find((f) => f.url === CNBC_FIXTURE)?.status).toBe('ok');
    } finally {
      await loader.close();
      await feeds.close();
      await aggregate.close();
      await server.close();
    }
  });
});
