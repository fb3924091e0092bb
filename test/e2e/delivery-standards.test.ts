import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startAggregator } from '@tidings/aggregator';
import { prepareModel, startClassifier } from '@tidings/classifier';
import { buildDashboard } from '@tidings/dashboard';
import { startLoader } from '@tidings/loader';
import { startNotifier } from '@tidings/notifier';
import { requestRun } from '@tidings/run-requests';
import { createLogger } from '@tidings/runtime';
import { DigestPayloadSchema, QUEUE_NAMES, type QueueName, topicSlug } from '@tidings/shared';
import { readStackStatus } from '@tidings/status';
import { SubscriptionStore } from '@tidings/subscriptions';
import {
  CNBC_FIXTURE,
  startWebhookReceiver,
  testConfig,
  testRedis,
  type WebhookReceiver,
  waitFor,
} from '@tidings/testing';
import { TopicStoreReader } from '@tidings/topic-store';
import { Queue } from 'bullmq';
import { Webhook, WebhookVerificationError } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

/**
 * Receivers and a WebSub hub on loopback: /gone answers 410, /busy answers its first request
 * 429 with Retry-After: 3, /hub takes publish pings (202), the rest 200.
 */
const startReceiver = () =>
  startWebhookReceiver((where, earlier) => {
    if (where === '/gone') return { status: 410 };
    if (where === '/busy' && !earlier.some((h) => h.path === '/busy'))
      return { status: 429, headers: { 'retry-after': '3' } };
    return { status: where === '/hub' ? 202 : 200 };
  });

const TOKEN = 'delivery-standards-token-0123456789';
const NEW_SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const OLD_SECRET = 'whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD';

describe('deliveries by the standards: Standard Webhooks, 410 Gone, Retry-After, WebSub', () => {
  const logger = createLogger('test', { level: 'silent' });
  const redis = testRedis();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tidings-standards-'));
  let receiver: WebhookReceiver;
  let config: ReturnType<typeof testConfig>;
  let services: { close(): Promise<unknown> }[] = [];
  let subscriptions: SubscriptionStore;
  let queues: Record<QueueName, Queue>;

  const settled = () =>
    waitFor(
      async () => {
        const pending = await queues.notify.getJobCounts('active', 'waiting', 'delayed');
        return (pending.active ?? 0) + (pending.waiting ?? 0) + (pending.delayed ?? 0) === 0 || undefined;
      },
      { what: 'every notify job finished', timeoutMs: 45_000 },
    );

  beforeAll(async () => {
    receiver = await startReceiver();
    config = testConfig({
      FEED_URLS: CNBC_FIXTURE,
      DATA_DIR: dataDir,
      NOTIFY_WEBHOOK_URLS: `${receiver.url}/operator,${receiver.url}/busy`,
      // Mid-rotation: both sign every delivery, so a receiver holding either one verifies.
      NOTIFY_WEBHOOK_SECRET: `${NEW_SECRET} ${OLD_SECRET}`,
      NOTIFY_ATTEMPTS: '3',
      NOTIFY_RETRY_DELAY_MS: '100',
      WEBSUB_HUB_URLS: `${receiver.url}/hub`,
      DASHBOARD_PUBLIC_URL: 'https://news.example.org/',
      FEED_ALLOW_PRIVATE: 'true',
    });
    const model = await prepareModel(config, logger);
    services = [
      await startLoader({ config, logger, schedule: false }),
      await startClassifier({ config, logger, model }),
      await startAggregator({ config, logger }),
      await startNotifier({ config, logger }),
    ];
    subscriptions = new SubscriptionStore(redis, config.prefix, { labels: config.zeroShot.labels });
    queues = Object.fromEntries(
      QUEUE_NAMES.map((name) => [name, new Queue(name, { connection: redis, prefix: config.prefix })]),
    ) as Record<QueueName, Queue>;
  });
  afterAll(async () => {
    for (const s of services) await s.close();
    for (const q of Object.values(queues)) await q.close();
    await receiver.close();
    await redis.quit();
  });

  it('a receiver verifies with the standardwebhooks library and refuses a replay; rotation, 410 and Retry-After; hubs get one ping per changed feed', async () => {
    const ann = await subscriptions.create({
      name: 'Ann',
      topics: [...config.zeroShot.labels],
      webhookUrl: `${receiver.url}/ann`,
    });
    const gone = await subscriptions.create({
      name: 'Gone',
      topics: [...config.zeroShot.labels],
      webhookUrl: `${receiver.url}/gone`,
    });
    expect(ann.webhookSecret).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);

    const first = await requestRun(queues.feeds);
    await waitFor(() => receiver.hits.some((h) => h.path === '/ann') || undefined, {
      what: "Ann's delivery",
      timeoutMs: 45_000,
    });
    await settled();

    // Ann verifies with her secret, as any Standard Webhooks receiver does.
    const delivered = receiver.hits.find((h) => h.path === '/ann')!;
    expect(delivered.headers['webhook-id']).toBe(`${first}.webhook.${ann.id}`);
    const payload = DigestPayloadSchema.parse(
      new Webhook(ann.webhookSecret!).verify(delivered.body, delivered.headers),
    );
    expect(payload.runId).toBe(first);
    expect(() => new Webhook(OLD_SECRET).verify(delivered.body, delivered.headers)).toThrow(WebhookVerificationError);
    // The deprecated header is still there for receivers of the last release.
    expect(delivered.headers['x-tidings-signature']).toMatch(/^sha256=[a-f0-9]{64}$/);

    // The same delivery captured and replayed six minutes later is refused.
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + 6 * 60_000 });
    try {
      expect(() => new Webhook(ann.webhookSecret!).verify(delivered.body, delivered.headers)).toThrow(
        'Message timestamp too old',
      );
    } finally {
      vi.useRealTimers();
    }

    // The operator's webhook is signed by both secrets of the rotation: either one verifies.
    const operator = receiver.hits.find((h) => h.path === '/operator')!;
    expect(operator.headers['webhook-signature']?.split(' ')).toHaveLength(2);
    for (const secret of [NEW_SECRET, OLD_SECRET]) {
      expect(new Webhook(secret).verify(operator.body, operator.headers)).toMatchObject({ runId: first });
    }

    // A 429 with Retry-After: 3 is retried after those seconds, not after NOTIFY_RETRY_DELAY_MS
    // (100 ms): the retry BullMQ scheduled, read from the queue's event stream, where a
    // "delayed" event carries the time the job is due and its entry id the time it was written.
    // Every receiver here is one destination, so the job may also have waited for its slot
    // (at most 200 ms each time): the retry is its longest wait.
    expect(receiver.hits.filter((h) => h.path === '/busy').map((h) => h.status)).toEqual([429, 200]);
    const events = await redis.xrange(queues.notify.keys.events ?? '', '-', '+');
    const waits = events.flatMap(([entryId, fields]) => {
      const f = Object.fromEntries(fields.flatMap((_, i) => (i % 2 === 0 ? [[fields[i], fields[i + 1]]] : [])));
      const ours = f.event === 'delayed' && f.jobId === `${first}.operator-webhook.op1`;
      return ours ? [Number(f.delay) - Number(entryId.split('-')[0])] : [];
    });
    expect(waits.length).toBeGreaterThan(0);
    const scheduledWait = Math.max(...waits);
    expect(scheduledWait).toBeGreaterThan(1000);
    expect(scheduledWait).toBeLessThanOrEqual(3000);

    // 410 Gone: asked once, never retried, the webhook disabled and said so in the status.
    expect(receiver.hits.filter((h) => h.path === '/gone')).toHaveLength(1);
    const disabled = await subscriptions.get(gone.id);
    expect(disabled?.webhookDisabled?.reason).toContain('410');
    const status = await readStackStatus({
      redis,
      target: config.redis,
      space: config.prefix,
      queues,
      store: new TopicStoreReader(redis, config.prefix),
    });
    const problem = status.problems.find((p: { kind: string }) => p.kind === 'webhook-disabled');
    expect(problem?.where).toContain(gone.id);

    // The hub heard of exactly the feeds the run changed: each URL once, Atom (also at its former .xml) and JSON Feed.
    const run = await new TopicStoreReader(redis, config.prefix).run(first);
    const changed = run!.topics.filter((g) => g.count > 0).map((g) => topicSlug(g.label));
    expect(changed.length).toBeGreaterThan(0);
    const pings = receiver.hits.filter((h) => h.path === '/hub');
    for (const ping of pings) {
      expect(ping.headers['content-type']).toBe('application/x-www-form-urlencoded');
      expect(new URLSearchParams(ping.body).get('hub.mode')).toBe('publish');
    }
    const pinged = pings.map((h) => new URLSearchParams(h.body).get('hub.url')).sort();
    const expected = [...changed, 'all']
      .flatMap((slug) =>
        ['atom', 'xml', 'json'].map((extension) => `https://news.example.org/feeds/${slug}.${extension}`),
      )
      .sort();
    expect(pinged).toEqual(expected);

    // Each pinged feed names the hub and itself, in the document and in Link headers.
    const { app } = await buildDashboard({ config, logger });
    const { app: tokenApp } = await buildDashboard({
      config: { ...config, dashboard: { ...config.dashboard, token: TOKEN } },
      logger,
    });
    try {
      const address = await app.listen({ host: '127.0.0.1', port: 0 });
      const atom = await fetch(`${address}/feeds/${changed[0]}.xml`);
      const xml = await atom.text();
      expect(xml).toContain(`<link rel="hub" href="${receiver.url}/hub"/>`);
      expect(xml).toContain(
        `rel="self" type="application/atom+xml" href="https://news.example.org/feeds/${changed[0]}.xml"`,
      );
      expect(atom.headers.get('link')).toBe(
        `<${receiver.url}/hub>; rel="hub", <https://news.example.org/feeds/${changed[0]}.xml>; rel="self"`,
      );
      const json = await (await fetch(`${address}/feeds/all.json`)).json();
      expect(json.hubs).toEqual([{ type: 'WebSub', url: `${receiver.url}/hub` }]);
      expect(json.feed_url).toBe('https://news.example.org/feeds/all.json');
      // The subscriber's own page (opened by their feed key) says their webhook is disabled, and why.
      const page = await (await fetch(`${address}/unsubscribe/${gone.feedKey}`)).text();
      expect(page).toContain('id="webhook-disabled"');
      expect(page).toContain('the webhook answered 410 Gone');
      expect(await (await fetch(`${address}/unsubscribe/${ann.feedKey}`)).text()).not.toContain('webhook-disabled');

      // Ann rotates her secret through the API: shown once, never listed. Rotating and listing
      // are served only with DASHBOARD_TOKEN, so this is a dashboard that has one.
      const auth = { authorization: `Bearer ${TOKEN}` };
      const tokenAddress = await tokenApp.listen({ host: '127.0.0.1', port: 0 });
      const rotated = await fetch(`${tokenAddress}/api/subscriptions/${ann.id}/rotate-webhook-secret`, {
        method: 'POST',
        headers: auth,
      });
      expect(rotated.status).toBe(200);
      const newSecret: string = (await rotated.json()).webhookSecret;
      expect(newSecret).toMatch(/^whsec_/);
      expect(newSecret).not.toBe(ann.webhookSecret);
      const listed = await fetch(`${tokenAddress}/api/subscriptions`, { headers: auth });
      expect(listed.status).toBe(200);
      const listedText = await listed.text();
      expect(listedText).not.toContain(newSecret);
      expect(listedText).not.toContain(ann.webhookSecret);

      // The next run reaches Ann again, signed by both her secrets, and the gone webhook not at all.
      const second = await requestRun(queues.feeds, { reclassify: true });
      await waitFor(
        () => receiver.hits.some((h) => h.path === '/ann' && h.headers['webhook-id']?.startsWith(second)) || undefined,
        { what: "Ann's second delivery", timeoutMs: 45_000 },
      );
      await settled();
      const again = receiver.hits.find((h) => h.path === '/ann' && h.headers['webhook-id']?.startsWith(second))!;
      for (const secret of [newSecret, ann.webhookSecret!]) {
        expect(new Webhook(secret).verify(again.body, again.headers)).toMatchObject({ runId: second });
      }
      expect(receiver.hits.filter((h) => h.path === '/gone')).toHaveLength(1);
      const jobs = await queues.notify.getJobs(['completed', 'failed']);
      expect(jobs.some((j) => j?.data.runId === second && j.data.destination.subscriptionId === gone.id)).toBe(false);
    } finally {
      await app.close();
      await tokenApp.close();
    }
  });
});
