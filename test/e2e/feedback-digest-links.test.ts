import { buildDashboard } from '@tidings/dashboard';
import { FeedbackStore } from '@tidings/feedback';
import { createMailer, deliverNotification } from '@tidings/notifier';
import { createLogger, freePort } from '@tidings/runtime';
import { DigestPayloadSchema, keySpaceOf, ownTopicId } from '@tidings/shared';
import { SubscriptionStore } from '@tidings/subscriptions';
import {
  buildRun,
  buildTopicArticle,
  startMailServer,
  startWebhookReceiver,
  testConfig,
  testRedis,
  waitFor,
} from '@tidings/testing';
import { OwnTopicMatches, TopicStoreReader, TopicStoreWriter } from '@tidings/topic-store';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * The vote links the notifier puts in a digest are the dashboard's to check: a real email
 * (SMTP) and a real webhook delivery from deliverNotification, their links opened against a real
 * dashboard. The link opens a confirm page that records nothing; its button records the
 * subscriber's vote.
 */

const logger = createLogger('test', { level: 'silent' });
const redis = testRedis();
afterAll(() => redis.quit());

describe('vote links in digests', () => {
  it("say why each article is listed, and open the dashboard's confirm page whose button records the subscriber's vote", async () => {
    const mail = await startMailServer();
    const receiver = await startWebhookReceiver();
    const port = await freePort();
    const config = testConfig({
      SMTP_URL: mail.url,
      NOTIFY_EMAIL_FROM: 'tidings <digest@news.example.org>',
      DASHBOARD_PORT: String(port),
      DASHBOARD_PUBLIC_URL: `http://127.0.0.1:${port}/`,
      FEED_ALLOW_PRIVATE: 'true',
    });
    const space = keySpaceOf(config);
    const subscriptions = new SubscriptionStore(redis, space, { labels: config.zeroShot.labels });
    const ann = await subscriptions.create({
      name: 'Ann',
      topics: ['Stock'],
      ownTopics: ['electric vehicles'],
      email: 'ann@example.com',
      webhookUrl: `${receiver.url}/ann`,
    });
    const sec = buildTopicArticle({
      id: 'sec1',
      label: 'Stock',
      score: 0.55,
      scores: { Stock: 0.55, SEC: 0.3, Crypto: 0.15 },
      ownScores: { [ownTopicId('electric vehicles')]: 0.7 },
      title: 'SEC fines a trading desk',
      published: '2026-11-24T09:00:00.000Z',
    });
    const run = buildRun({ articles: [sec], startedAt: '2026-11-24T12:00:00.000Z', durationMs: 1000 });
    await new TopicStoreWriter(redis, space).writeRun(run);
    await new OwnTopicMatches(redis, space).writeRun(
      run.id,
      { [ownTopicId('electric vehicles')]: { count: 1, articleIds: ['sec1'] } },
      60_000,
    );
    const { app } = await buildDashboard({ config, logger });
    const mailer = createMailer(mail.url);
    try {
      await app.listen({ host: '127.0.0.1', port });
      const deps = {
        config,
        subscriptions,
        store: new TopicStoreReader(redis, space),
        ownTopicMatches: new OwnTopicMatches(redis, space),
        mailer,
      };
      const storedRun = await deps.store.run(run.id);
      expect(storedRun).toBeTruthy();
      if (!storedRun) return;
      await deliverNotification(
        storedRun,
        { runId: run.id, destination: { kind: 'email', subscriptionId: ann.id } },
        deps,
      );
      await deliverNotification(
        storedRun,
        { runId: run.id, destination: { kind: 'webhook', subscriptionId: ann.id } },
        deps,
      );
      await waitFor(() => mail.mails.length >= 1 && receiver.hits.length >= 1, { what: 'the email and the webhook' });

      const email = mail.mails[0];
      expect(email?.text).toContain('why: Stock 0.55, ahead of SEC 0.30');
      const links = [...(email?.html || '').matchAll(/<a href="([^"]+)"[^>]*>([^<]+)<\/a>/g)].map((m) => ({
        url: (m[1] ?? '').replaceAll('&amp;', '&'),
        title: m[2] ?? '',
      }));
      const notAbout = links.find((l) => l.title === 'Not about Stock?');
      const notRelevant = links.find((l) => l.title === 'Not relevant');
      expect(notAbout?.url).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${port}/feedback/confirm\\?`));
      expect(notRelevant).toBeTruthy();
      // A forwarded digest hands over no feed key.
      for (const l of links.filter((l) => l.url.includes('/feedback/'))) expect(l.url).not.toContain(ann.feedKey);

      const payload = DigestPayloadSchema.parse(JSON.parse(receiver.hits[0]?.body ?? '{}'));
      const inWebhook = payload.topics[0]?.articles[0];
      expect(inWebhook?.why).toBe('Stock 0.55, ahead of SEC 0.30');
      expect(inWebhook?.feedback?.map((f) => f.verdict)).toEqual(['not-about']);
      expect(payload.ownTopics[0]?.articles[0]?.feedback?.map((f) => f.verdict)).toEqual(['relevant', 'not-relevant']);

      const feedback = new FeedbackStore(redis, space, { perReader: 100, total: 1000 });
      const confirm = await fetch(notRelevant?.url ?? '');
      expect(confirm.status).toBe(200);
      expect(await confirm.text()).toContain('not relevant to “electric vehicles”');
      expect(await feedback.count()).toBe(0);

      const fields = new URLSearchParams(new URL(notRelevant?.url ?? '').search);
      const recorded = await fetch(`http://127.0.0.1:${port}/feedback/confirm`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', origin: `http://127.0.0.1:${port}` },
        body: fields.toString(),
      });
      expect(recorded.status).toBe(201);
      const [example] = await feedback.list();
      expect(example).toMatchObject({
        kind: 'own',
        topic: ownTopicId('electric vehicles'),
        subscriptionId: ann.id,
        verdict: { relevant: false },
        source: 'feed-link',
      });
    } finally {
      mailer.close();
      await app.close();
      await mail.close();
      await receiver.close();
    }
  });
});
