import { createHmac } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadConfig, newWebhookSecret, standardWebhookSecret } from '@tidings/shared';
import { SubscriptionStore, subscriptionView } from '@tidings/subscriptions';
import { buildRun, testPrefix, testRedis, testRedisUrl } from '@tidings/testing';
import { OwnTopicMatches, TopicStoreReader } from '@tidings/topic-store';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { deliverNotification } from '../src/deliver-digest.js';
import { DeliveryError } from '../src/errors/delivery-error.js';
import { deliveryRetryDelay, MAX_RETRY_AFTER_MS, parseRetryAfter } from '../src/retry-delay.js';
import { postBody } from '../src/send-webhook.js';
import { webhookHeaders } from '../src/sign-webhook.js';

const body = JSON.stringify({ type: 'digest', runId: 'run-1', topics: [] });

describe('Standard Webhooks signatures', () => {
  it('verify with the standardwebhooks library under a new whsec_ secret', () => {
    const secret = newWebhookSecret();
    const headers = webhookHeaders('run-1.webhook.sub-0123456789abcdef', body, [secret]);
    expect(new Webhook(secret).verify(body, headers)).toMatchObject({ runId: 'run-1' });
    expect(() => new Webhook(newWebhookSecret()).verify(body, headers)).toThrow('No matching signature found');
    expect(() => new Webhook(secret).verify(`${body} `, headers)).toThrow('No matching signature found');
  });

  it('keep a subscriber’s hex secret from before working: the old header as it was, the standard one under its whsec_ form', () => {
    const hex = 'a'.repeat(16) + '0123456789abcdef'.repeat(2);
    const headers = webhookHeaders('run-1.webhook.sub-0123456789abcdef', body, [hex]);
    expect(headers['x-tidings-signature']).toBe(`sha256=${createHmac('sha256', hex).update(body).digest('hex')}`);
    const shown = standardWebhookSecret(hex);
    expect(shown).toBe(`whsec_${Buffer.from(hex).toString('base64')}`);
    expect(new Webhook(shown).verify(body, headers)).toMatchObject({ runId: 'run-1' });
  });

  it('send no signature without a secret, but still the id and the timestamp', () => {
    const headers = webhookHeaders('run-1.operator-webhook.op0', body, [], new Date('2026-11-24T10:00:00.000Z'));
    expect(headers).toMatchObject({ 'webhook-id': 'run-1.operator-webhook.op0', 'webhook-timestamp': '1795514400' });
    expect(headers['webhook-signature']).toBeUndefined();
    expect(headers['x-tidings-signature']).toBeUndefined();
  });
});

describe('Retry-After', () => {
  it('reads seconds and HTTP dates, and caps what it is asked', () => {
    const now = Date.parse('2026-11-24T10:00:00.000Z');
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter('Tue, 24 Nov 2026 10:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Tue, 24 Nov 2026 09:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('999999', now)).toBe(MAX_RETRY_AFTER_MS);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });

  it('waits what the destination asked when that is longer than the backoff', () => {
    expect([1, 2, 3, 4].map((attempt) => deliveryRetryDelay(attempt, 5000))).toEqual([5000, 10_000, 20_000, 40_000]);
    expect(deliveryRetryDelay(1, 5000, 60_000)).toBe(60_000);
    expect(deliveryRetryDelay(4, 5000, 1000)).toBe(40_000);
  });
});

describe('answers that stop or slow deliveries, from a real server', () => {
  let server: http.Server;
  let url = '';
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      req.resume();
      if (req.url === '/gone') res.writeHead(410).end();
      else if (req.url === '/busy') res.writeHead(503, { 'retry-after': '42' }).end();
      else res.writeHead(429).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const failure = (path: string) =>
    postBody(`${url}${path}`, body).then(
      () => undefined,
      (err: DeliveryError) => err,
    );

  it('410 Gone is final; 503 with Retry-After is retried after it; 429 without one after the backoff', async () => {
    const gone = await failure('/gone');
    expect(gone).toBeInstanceOf(DeliveryError);
    expect(gone).toMatchObject({ status: 410, retryable: false, retryAfterMs: undefined });
    expect(await failure('/busy')).toMatchObject({ status: 503, retryable: true, retryAfterMs: 42_000 });
    expect(await failure('/other')).toMatchObject({ status: 429, retryable: true, retryAfterMs: undefined });
  });
});

describe('a subscriber’s secret rotation', () => {
  const redis = testRedis();
  const received: { headers: Record<string, string>; body: string }[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)]));
      received.push({ headers, body: Buffer.concat(chunks).toString('utf8') });
      res.end();
    });
  });
  beforeAll(() => new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve)));
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await redis.quit();
  });

  const run = buildRun({ topics: [{ label: 'Crypto', count: 1, articles: [] }] });

  it('signs with the new and the old secret for a day, then with the new one only; neither is ever shown again', async () => {
    const config = loadConfig({ REDIS_URL: testRedisUrl(), TIDINGS_PREFIX: testPrefix(), FEED_ALLOW_PRIVATE: 'true' });
    const subscriptions = new SubscriptionStore(redis, config.prefix, { labels: config.zeroShot.labels });
    const port = (server.address() as AddressInfo).port;
    const created = await subscriptions.create({
      name: 'Ann',
      topics: ['Crypto'],
      webhookUrl: `http://127.0.0.1:${port}/hook`,
    });
    const rotated = await subscriptions.rotateWebhookSecret(created.id);
    const [oldSecret, newSecret] = [created.webhookSecret ?? '', rotated?.webhookSecret ?? ''];
    expect(newSecret).not.toBe(oldSecret);
    const shown = JSON.stringify(subscriptionView(rotated!, 'https://news.example.org/'));
    expect(shown).not.toContain(oldSecret);
    expect(shown).not.toContain(newSecret);

    const job = { runId: 'run-1', destination: { kind: 'webhook' as const, subscriptionId: created.id } };
    const deliver = () =>
      deliverNotification(run, job, {
        config,
        subscriptions,
        store: new TopicStoreReader(redis, config.prefix),
        ownTopicMatches: new OwnTopicMatches(redis, config.prefix),
        mailer: undefined,
      });
    await deliver();
    const during = received.at(-1)!;
    for (const secret of [newSecret, oldSecret]) {
      expect(new Webhook(secret).verify(during.body, during.headers)).toMatchObject({ runId: 'run-1' });
    }

    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + 25 * 3_600_000 });
    try {
      await deliver();
      const after = received.at(-1)!;
      expect(new Webhook(newSecret).verify(after.body, after.headers)).toMatchObject({ runId: 'run-1' });
      expect(() => new Webhook(oldSecret).verify(after.body, after.headers)).toThrow('No matching signature found');
    } finally {
      vi.useRealTimers();
    }
  });
});
