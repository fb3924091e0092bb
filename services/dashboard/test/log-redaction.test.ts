import { createLogger } from '@tidings/runtime';
import { topicFeedKey } from '@tidings/shared';
import { buildRun, buildTopicArticle, testConfig, testRedis } from '@tidings/testing';
import { TopicStoreWriter } from '@tidings/topic-store';
import { afterAll, describe, expect, it } from 'vitest';
import { buildDashboard } from '../src/index.js';

/**
 * Feed keys are capabilities: whoever reads one in a log can read that feed and unsubscribe
 * its owner. At LOG_LEVEL=info Fastify logs every request's URL; these are every URL a key
 * travels in, requested for real, and the whole log is searched for the keys afterwards.
 */

const TOKEN = 'log-redaction-token-0123456789';
const redis = testRedis();
afterAll(() => redis.quit());

describe('request logs', () => {
  it('never hold a feed key, a topic-feed key or the token, while every request is still logged', async () => {
    const config = testConfig({ DASHBOARD_TOKEN: TOKEN });
    await new TopicStoreWriter(redis, config.prefix).writeRun(
      buildRun({
        articles: [buildTopicArticle({ id: 'btc1', label: 'Crypto', published: '2026-11-24T09:00:00.000Z' })],
        startedAt: '2026-11-24T12:00:00.000Z',
        durationMs: 1000,
      }),
    );
    const lines: string[] = [];
    const logger = createLogger('dashboard', {
      level: 'info',
      destination: { write: (line) => void lines.push(line) },
    });
    const { app } = await buildDashboard({ config, logger });
    try {
      const address = await app.listen({ host: '127.0.0.1', port: 0 });
      const auth = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };
      const created = await fetch(`${address}/api/subscriptions`, {
        method: 'POST',
        headers: auth,
        body: JSON.stringify({ name: 'Ann', topics: ['Crypto'] }),
      });
      expect(created.status).toBe(201);
      const feedKey = /\/feeds\/s\/([a-f0-9]{32})\.atom$/.exec((await created.json()).feedUrl)?.[1] ?? '';
      expect(feedKey).toMatch(/^[a-f0-9]{32}$/);
      const topicKey = topicFeedKey(TOKEN);
      const paths = [
        `/feeds/s/${feedKey}.atom`,
        `/feeds/s/${feedKey}.xml`,
        `/feeds/s/${feedKey}.json`,
        `/feeds/s/${feedKey}.opml`,
        `/s/${feedKey}`,
        `/unsubscribe/${feedKey}`,
        `/feeds/crypto.xml?key=${topicKey}`,
        `/feeds.opml?key=${topicKey}`,
      ];
      for (const path of paths) expect((await fetch(`${address}${path}`)).status, path).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, 200));

      const log = lines.join('');
      for (const secret of [feedKey, topicKey, TOKEN]) expect(log).not.toContain(secret);
      const urls = lines.map((line) => JSON.parse(line).req?.url).filter(Boolean);
      expect(urls).toEqual(
        expect.arrayContaining([
          '/feeds/s/****.atom',
          '/feeds/s/****.xml',
          '/feeds/s/****.json',
          '/feeds/s/****.opml',
          '/s/****',
          '/unsubscribe/****',
          '/feeds/crypto.xml?key=****',
          '/feeds.opml?key=****',
        ]),
      );
    } finally {
      await app.close();
    }
  });
});
