import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadConfig } from '@tidings/shared';
import { SubscriptionStore } from '@tidings/subscriptions';
import { buildRun, buildTopicArticle, testPrefix, testRedis, testRedisUrl } from '@tidings/testing';
import { OwnTopicMatches, TopicStoreReader } from '@tidings/topic-store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliverNotification } from '../src/deliver-digest.js';
import { DeliveryError } from '../src/errors/delivery-error.js';

const run = buildRun({
  startedAt: '2026-11-24T10:00:00.000Z',
  durationMs: 60_000,
  articles: [
    buildTopicArticle({ id: 'a1', title: 'Bitcoin slides', published: '2026-11-24T09:00:00.000Z', score: 0.9 }),
  ],
});

/**
 * A subscriber's webhook is called on their behalf, so it may not reach this host or its
 * network, even when the subscription was written straight into Redis past the API's check.
 */
describe('subscriber webhooks and private addresses', () => {
  const redis = testRedis();
  let hits = 0;
  const server = http.createServer((_req, res) => {
    hits++;
    res.end();
  });
  let port = 0;
  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await redis.quit();
  });

  const setup = async (env: Record<string, string>, webhookUrl: string) => {
    const config = loadConfig({ REDIS_URL: testRedisUrl(), TIDINGS_PREFIX: testPrefix(), ...env });
    const subscriptions = new SubscriptionStore(redis, config.prefix, { labels: config.zeroShot.labels });
    const sub = await subscriptions.create({ name: 'Mallory', topics: ['Crypto'], webhookUrl });
    const job = { runId: 'run-1', destination: { kind: 'webhook' as const, subscriptionId: sub.id } };
    const store = new TopicStoreReader(redis, config.prefix);
    const ownTopicMatches = new OwnTopicMatches(redis, config.prefix);
    return () => deliverNotification(run, job, { config, subscriptions, store, ownTopicMatches, mailer: undefined });
  };

  it.each([
    ['an IP in the URL', () => `http://127.0.0.1:${port}/hook`],
    ['a name that resolves to loopback', () => `http://localhost:${port}/hook`],
  ])('refuses %s for good, and nothing is sent', async (_what, url) => {
    const deliver = await setup({}, url());
    const error = await deliver().catch((err: unknown) => err);
    expect(error).toBeInstanceOf(DeliveryError);
    expect((error as DeliveryError).retryable).toBe(false);
    expect((error as Error).message).toMatch(/loopback, private, link-local or metadata address$/);
    expect(hits).toBe(0);
  });

  it('delivers to a private address when FEED_ALLOW_PRIVATE trusts them', async () => {
    const deliver = await setup({ FEED_ALLOW_PRIVATE: 'true' }, `http://localhost:${port}/hook`);
    expect((await deliver()).status).toBe('delivered');
    expect(hits).toBe(1);
  });
});
