import path from 'node:path';
import { startDashboard } from '@tidings/dashboard';
import { FeedbackStore } from '@tidings/feedback';
import { createLogger } from '@tidings/runtime';
import { keySpaceOf, ownTopicId } from '@tidings/shared';
import { SubscriptionStore } from '@tidings/subscriptions';
import {
  ARTIFACTS,
  buildRun,
  buildTopicArticle,
  launchChromium,
  testConfig,
  testRedis,
  waitFor,
} from '@tidings/testing';
import { OwnTopicMatches, TopicStoreWriter } from '@tidings/topic-store';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * A reader's votes in Chromium: the topic page's buttons, the subscriber's page, and the
 * confirm page a feed link opens. Each is checked in the store the calibration reads.
 */

const logger = createLogger('test', { level: 'silent' });
const OWN = 'electric vehicles';

describe('voting from the pages', () => {
  const config = testConfig({ DASHBOARD_PORT: '0' });
  const space = keySpaceOf(config);
  const redis = testRedis();
  const feedback = new FeedbackStore(redis, space, { perReader: 100, total: 1000 });
  const closers: { close(): Promise<unknown> }[] = [];
  let browser: Browser;
  let base: string;
  let feedKey: string;

  beforeAll(async () => {
    await new TopicStoreWriter(redis, space).writeRun(
      buildRun({
        articles: [
          buildTopicArticle({
            id: 'sec1',
            label: 'Stock',
            score: 0.55,
            scores: { Stock: 0.55, SEC: 0.3, Crypto: 0.15 },
            title: '<img src=x onerror="window.pwned=1"> SEC fines a trading desk',
            published: '2026-11-24T09:00:00.000Z',
          }),
          buildTopicArticle({
            id: 'ev1',
            label: 'Stock',
            title: 'EV maker shares jump',
            ownScores: { [ownTopicId(OWN)]: 0.72 },
            published: '2026-11-24T10:00:00.000Z',
          }),
        ],
        startedAt: '2026-11-24T12:00:00.000Z',
        durationMs: 1000,
      }),
    );
    await new OwnTopicMatches(redis, space).add(ownTopicId(OWN), [
      { articleId: 'ev1', published: Date.parse('2026-11-24T10:00:00.000Z'), score: 0.72 },
    ]);
    const sub = await new SubscriptionStore(redis, space, { labels: config.zeroShot.labels }).create({
      name: 'Ann',
      topics: ['Stock'],
      ownTopics: [OWN],
    });
    feedKey = sub.feedKey;
    const dashboard = await startDashboard({ config, logger });
    closers.push(dashboard);
    base = dashboard.address;
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    for (const c of closers.reverse()) await c.close();
    redis.disconnect();
  });

  it("records 'not about' and then 'belongs in' from the topic page's buttons, the second replacing the first, and shows the accuracy", async () => {
    const page = await browser.newPage();
    await page.goto(`${base}/`);
    const form = page.locator('form.vote[data-article="sec1"]');
    await form.getByRole('button', { name: 'Not about Stock' }).click();
    await expect.poll(() => form.locator('.vote-result').textContent()).toContain('Thanks');
    expect(await feedback.list()).toMatchObject([
      { articleId: 'sec1', verdict: { type: 'not-about' }, source: 'page' },
    ]);

    await form.getByLabel('belongs in').selectOption('SEC');
    await form.getByRole('button', { name: 'Move' }).click();
    await waitFor(async () => JSON.stringify((await feedback.list())[0]?.verdict).includes('belongs-in'), {
      what: 'the belongs-in vote',
    });
    expect(await feedback.list()).toMatchObject([{ verdict: { type: 'belongs-in', label: 'SEC' } }]);

    await page.reload();
    expect(await page.locator('li.article', { has: form }).locator('.why').textContent()).toBe(
      'why: Stock 0.55, ahead of SEC 0.30',
    );
    const stock = page.locator('section[data-topic="Stock"] .accuracy');
    expect(await stock.textContent()).toContain('0% of what they judged here belongs here (1 vote)');
    expect(await page.evaluate(() => (window as { pwned?: number }).pwned)).toBeUndefined();
    await page.screenshot({ path: path.join(ARTIFACTS, 'feedback-topic-page.png'), fullPage: true });
    await page.close();
  });

  it("records 'not relevant' from the subscriber's page by their feed key", async () => {
    const page = await browser.newPage();
    await page.goto(`${base}/s/${feedKey}`);
    const form = page.locator('form.vote[data-article="ev1"]');
    expect(await page.locator('li', { has: form }).textContent()).toContain('threshold');
    await form.getByRole('button', { name: 'Not relevant' }).click();
    await expect.poll(() => form.locator('.vote-result').textContent()).toContain('Thanks');
    const own = (await feedback.list()).find((e) => e.kind === 'own');
    expect(own).toMatchObject({ topic: ownTopicId(OWN), verdict: { relevant: false }, source: 'subscriber-page' });
    await page.reload();
    expect(await page.locator('section.own-topic .accuracy').textContent()).toContain(
      'Readers found 0% of the matches they judged relevant (1 vote)',
    );
    await page.close();
  });

  it("opens a feed link's confirm page, records nothing until its button is pressed, then records the vote", async () => {
    const atom = await (await fetch(`${base}/feeds/s/${feedKey}.atom`)).text();
    const href = [...atom.matchAll(/<link rel="related" href="([^"]+)" title="Not about Stock\? Tell tidings"\/>/g)]
      .map((m) => (m[1] ?? '').replaceAll('&amp;', '&'))
      .find((h) => h.includes('a=sec1'));
    expect(href).toContain('a=sec1');
    const before = (await feedback.list()).length;
    const page = await browser.newPage();
    await page.goto(href ?? '');
    expect(await feedback.list()).toHaveLength(before);
    expect(await page.title()).toContain('feedback');
    await page.getByRole('button', { name: 'belongs in SEC' }).click();
    await page.waitForSelector('#vote-answer');
    expect(await page.locator('#vote-answer').textContent()).toContain('Recorded: belongs in SEC');
    const fromLink = (await feedback.list()).filter((e) => e.source === 'feed-link');
    expect(fromLink).toMatchObject([{ articleId: 'sec1', verdict: { type: 'belongs-in', label: 'SEC' } }]);
    expect(await page.evaluate(() => (window as { pwned?: number }).pwned)).toBeUndefined();
    await page.close();
  });
});
