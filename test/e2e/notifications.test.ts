import { createHmac } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startAggregator } from '@tidings/aggregator';
import { prepareModel, startClassifier } from '@tidings/classifier';
import { startLoader } from '@tidings/loader';
import { startNotifier } from '@tidings/notifier';
import { requestRun } from '@tidings/run-requests';
import { createLogger } from '@tidings/runtime';
import { DigestPayloadSchema, QUEUE, webhookKey } from '@tidings/shared';
import { SubscriptionStore } from '@tidings/subscriptions';
import {
  CNBC_FIXTURE,
  startMailServer,
  startWebhookReceiver,
  testConfig,
  testRedis,
  type WebhookReceiver,
  waitFor,
} from '@tidings/testing';
import { Queue } from 'bullmq';
import type { ParsedMail } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/** A webhook receiver on loopback: /flaky answers 500 to its first request, the rest 200. */
const startReceiver = () =>
  startWebhookReceiver((path, earlier) => ({
    status: path === '/flaky' && !earlier.some((h) => h.path === '/flaky') ? 500 : 200,
  }));

const to = (mail: ParsedMail) => (Array.isArray(mail.to) ? mail.to[0]?.text : mail.to?.text) ?? '';

describe('digests to subscribers, by email, webhook and Slack', () => {
  const logger = createLogger('test', { level: 'silent' });
  const redis = testRedis();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tidings-notify-'));
  let receiver: WebhookReceiver;
  let mail: Awaited<ReturnType<typeof startMailServer>>;
  let config: ReturnType<typeof testConfig>;
  let services: { close(): Promise<void> }[] = [];
  let subscriptions: SubscriptionStore;
  let feeds: Queue;
  let notify: Queue;

  beforeAll(async () => {
    receiver = await startReceiver();
    mail = await startMailServer();
    config = testConfig({
      FEED_URLS: CNBC_FIXTURE,
      DATA_DIR: dataDir,
      SMTP_URL: mail.url,
      NOTIFY_EMAIL_FROM: 'tidings <digest@news.example.org>',
      NOTIFY_WEBHOOK_URLS: `${receiver.url}/operator`,
      NOTIFY_WEBHOOK_SECRET: 'operator-secret-0123456789',
      NOTIFY_SLACK_WEBHOOK_URL: `${receiver.url}/slack`,
      NOTIFY_TOPICS: 'Stock,Crypto',
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
    feeds = new Queue(QUEUE.runRequests, { connection: redis, prefix: config.prefix });
    notify = new Queue(QUEUE.notify, { connection: redis, prefix: config.prefix });
  });
  afterAll(async () => {
    for (const s of services) await s.close();
    await feeds.close();
    await notify.close();
    await receiver.close();
    await mail.close();
    await redis.quit();
  });

  it('gives each subscriber only their topics, signs webhooks, retries once without a duplicate, and stops after unsubscribe', async () => {
    const ann = await subscriptions.create({
      name: 'Ann',
      topics: ['Crypto', 'IPO'],
      email: 'ann@example.com',
      webhookUrl: `${receiver.url}/flaky`,
    });
    const bob = await subscriptions.create({ name: 'Bob', topics: ['Stock'], email: 'bob@example.com' });
    expect(ann.webhookSecret).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);

    const first = await requestRun(feeds);
    await waitFor(() => mail.mails.length >= 2 && receiver.hits.filter((h) => h.status === 200).length >= 3, {
      what: 'two emails and three webhook deliveries',
      timeoutMs: 45_000,
    });

    const annMail = mail.mails.find((m) => to(m) === 'ann@example.com')!;
    const bobMail = mail.mails.find((m) => to(m) === 'bob@example.com')!;
    expect(annMail.subject).toBe('tidings: 2 new articles in 2 topics');
    expect(annMail.text).toContain('Bitcoin slides');
    expect(annMail.text).toContain('Fintech lender prices IPO');
    expect(annMail.text).not.toContain('Stocks making the biggest');
    expect(annMail.html).toContain('Bitcoin slides');
    expect(annMail.html).toContain(`https://news.example.org/unsubscribe/${ann.feedKey}`);
    const header = (name: string) => annMail.headerLines.find((h) => h.key === name)?.line ?? '';
    expect(header('list-unsubscribe-post')).toContain('List-Unsubscribe=One-Click');
    expect(header('list-unsubscribe')).toContain(`https://news.example.org/unsubscribe/${ann.feedKey}`);
    expect(bobMail.subject).toBe('tidings: 2 new articles in 1 topic');
    expect(bobMail.text).toContain('Stocks making the biggest');
    expect(bobMail.text).not.toContain('Bitcoin slides');

    // Ann's webhook answered 500 once: retried under the same delivery id, delivered once.
    const annHits = receiver.hits.filter((h) => h.path === '/flaky');
    expect(annHits.map((h) => h.status)).toEqual([500, 200]);
    expect(new Set(annHits.map((h) => h.headers['x-tidings-delivery'])).size).toBe(1);
    const delivered = annHits[1]!;
    // The deprecated X-Tidings-Signature: HMAC of the body under the secret's key bytes.
    const expected = `sha256=${createHmac('sha256', webhookKey(ann.webhookSecret!)).update(delivered.body).digest('hex')}`;
    expect(delivered.headers['x-tidings-signature']).toBe(expected);
    const payload = DigestPayloadSchema.parse(JSON.parse(delivered.body));
    expect(payload.runId).toBe(first);
    expect(payload.topics.map((t) => t.label).sort()).toEqual(['Crypto', 'IPO']);
    expect(payload.dashboardUrl).toBe('https://news.example.org/');

    // The operator's webhook is signed with NOTIFY_WEBHOOK_SECRET and limited to NOTIFY_TOPICS; a
    // secret from before Standard Webhooks signs X-Tidings-Signature exactly as it always did.
    const operator = receiver.hits.find((h) => h.path === '/operator')!;
    expect(operator.headers['x-tidings-signature']).toBe(
      `sha256=${createHmac('sha256', 'operator-secret-0123456789').update(operator.body).digest('hex')}`,
    );
    expect(
      DigestPayloadSchema.parse(JSON.parse(operator.body))
        .topics.map((t) => t.label)
        .sort(),
    ).toEqual(['Crypto', 'Stock']);

    // Slack gets a Block Kit message: a header, a mrkdwn section per topic, a link to the dashboard.
    const slack = JSON.parse(receiver.hits.find((h) => h.path === '/slack')!.body);
    expect(slack.blocks[0]).toMatchObject({ type: 'header', text: { type: 'plain_text' } });
    expect(slack.blocks.filter((b: { type: string }) => b.type === 'section')).toHaveLength(2);
    for (const b of slack.blocks.slice(1, -1)) expect(b.text.type).toBe('mrkdwn');
    expect(slack.blocks.at(-1).elements[0].text).toBe('<https://news.example.org/|Open tidings>');
    expect(slack.text).toBe('tidings: 3 new articles in 2 topics');

    // Bob unsubscribes; the next run with new articles reaches Ann only.
    expect(await subscriptions.remove(bob.id)).toBe(true);
    const second = await requestRun(feeds, { reclassify: true });
    await waitFor(() => mail.mails.length >= 3, { what: 'the second run’s email', timeoutMs: 45_000 });
    await waitFor(async () => {
      const pending = await notify.getJobCounts('active', 'waiting', 'delayed');
      return (pending.active ?? 0) + (pending.waiting ?? 0) + (pending.delayed ?? 0) === 0 || undefined;
    });
    expect(to(mail.mails[2]!)).toBe('ann@example.com');
    expect(mail.mails.filter((m) => to(m) === 'bob@example.com')).toHaveLength(1);
    const secondJobs = (await notify.getJobs(['completed', 'failed', 'waiting', 'delayed', 'active'])).filter(
      (j) => j?.data.runId === second,
    );
    expect(secondJobs.some((j) => j?.data.destination.subscriptionId === bob.id)).toBe(false);
  });
});
