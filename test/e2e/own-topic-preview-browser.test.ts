import path from 'node:path';
import { startClassifier } from '@tidings/classifier';
import { startDashboard } from '@tidings/dashboard';
import { createLogger } from '@tidings/runtime';
import {
  ARTIFACTS,
  buildPreviewFixtureRun,
  buildRun,
  buildTopicArticle,
  launchChromium,
  PREVIEW_FIXTURE_NEWEST,
  testConfig,
  testRedis,
} from '@tidings/testing';
import { TopicStoreWriter } from '@tidings/topic-store';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const logger = createLogger('test', { level: 'silent' });

/** A crypto story whose title is markup and whose link is script: a preview shows both as text. */
const HOSTILE = buildTopicArticle({
  id: 'pv-hostile',
  label: 'Crypto',
  title: '<img src=x onerror="window.pwned=1"> Bitcoin tokens rally',
  summary: 'Blockchain tokens rose.',
  link: 'javascript:window.pwned=2',
  published: new Date(Date.parse(PREVIEW_FIXTURE_NEWEST) - 30 * 60_000).toISOString(),
});

describe('previewing an own topic, answered by a classifier with the tiny model', () => {
  const config = testConfig({ DASHBOARD_PORT: '0', PREVIEW_MAX_ARTICLES: '5' });
  const redis = testRedis();
  const closers: { close(): Promise<unknown> }[] = [];
  let browser: Browser;
  let base: string;
  const post = (path: string, body: unknown) =>
    fetch(new URL(path, base), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  /** Keys a preview must not leave behind: the own-topic registry and the topic store's own-topic keys. */
  const ownTopicKeys = async () =>
    (await redis.keys(`${config.prefix}:*own-topic*`)).filter((k) => !k.includes(':subscription'));

  beforeAll(async () => {
    const store = new TopicStoreWriter(redis, config.prefix);
    await store.writeRun(buildPreviewFixtureRun());
    await store.writeRun(buildRun({ id: 'hostile-run', articles: [HOSTILE], startedAt: PREVIEW_FIXTURE_NEWEST }));
    const classifier = await startClassifier({ config, logger });
    const dashboard = await startDashboard({ config, logger });
    closers.push(classifier, dashboard);
    base = dashboard.address;
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    for (const c of closers.reverse()) await c.close();
    redis.disconnect();
  });

  it('POST /api/own-topics/preview answers the count of matches and the best of them, and stores nothing', async () => {
    const response = await post('/api/own-topics/preview', { ownTopic: '  blockchain   tokens ' });
    expect(response.status).toBe(200);
    const preview = await response.json();
    // The newest five of the seven in the window: the hostile story and three crypto ones match.
    expect(preview).toMatchObject({
      words: 'blockchain tokens',
      matched: 4,
      scored: 5,
      considered: 5,
      inWindow: 7,
      threshold: 0.8,
    });
    expect(preview.top.map((m: { articleId: string }) => m.articleId).sort()).toEqual([
      'pv-crypto0',
      'pv-crypto1',
      'pv-crypto2',
      'pv-hostile',
    ]);
    expect(await ownTopicKeys()).toEqual([]);
  });

  it('shows the preview beside the subscribe form in a browser, as text, without submitting the form', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(base);
    const field = page.locator('#sub-own');
    await field.fill('crude oil\nblockchain tokens');
    await page.getByRole('button', { name: 'Preview' }).click();
    const result = page.locator('#sub-own-preview');
    await result.locator('.preview-count').waitFor({ timeout: 30_000 });
    expect(await result.locator('.preview-count').textContent()).toBe(
      '“blockchain tokens” matches 4 of the 5 newest articles of the last 7 days (score at least 0.8).',
    );
    const items = result.locator('.preview-matches li');
    expect(await items.count()).toBe(4);
    const hostile = items.filter({ hasText: 'onerror' });
    expect(await hostile.locator('span').textContent()).toBe(HOSTILE.title);
    expect(await hostile.locator('a').count()).toBe(0);
    expect(await result.locator('img').count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { pwned?: number }).pwned)).toBeUndefined();
    const bitcoin = items.filter({ hasText: 'Bitcoin slides below $80,000' });
    expect(await bitcoin.locator('a').getAttribute('href')).toBe('https://news.example/pv-crypto0');
    expect(await bitcoin.locator('small').textContent()).toMatch(/^ 2026-11-24 · match \d+%$/);
    await page.screenshot({ path: path.join(ARTIFACTS, 'own-topic-preview.png'), fullPage: true });

    // The caret on the first line previews that one (the oil story is not among the newest five);
    // an empty field gets the rules' own reason.
    await field.focus();
    await page.evaluate(() => (document.getElementById('sub-own') as HTMLTextAreaElement).setSelectionRange(0, 0));
    await page.getByRole('button', { name: 'Preview' }).click();
    await result.locator('.preview-count', { hasText: '“crude oil” matches 0 of the 5' }).waitFor({ timeout: 30_000 });
    await field.fill('');
    await page.getByRole('button', { name: 'Preview' }).click();
    await result.locator('.bad', { hasText: 'ownTopic: is empty' }).waitFor({ timeout: 15_000 });
    expect(new URL(page.url()).pathname).toBe('/');
    expect(await redis.scard(`${config.prefix}:subscriptions`)).toBe(0);
    await page.close();
  });

  it("previews a topic on a subscriber's page, and offers no Preview button without JavaScript", async () => {
    const created = await post('/api/subscriptions', { name: 'Cy', topics: ['IPO'] });
    expect(created.status).toBe(201);
    const { pageUrl } = await created.json();
    const page = await browser.newPage();
    await page.goto(pageUrl);
    await page.locator('#try-own').fill('blockchain tokens');
    await page.getByRole('button', { name: 'Preview' }).click();
    await page
      .locator('#try-own-preview .preview-count', { hasText: '“blockchain tokens” matches 4 of the 5 newest' })
      .waitFor({ timeout: 30_000 });
    expect(await page.locator('#try-own-preview .preview-matches li').count()).toBe(4);
    await page.screenshot({ path: path.join(ARTIFACTS, 'own-topic-preview-subscriber.png'), fullPage: true });
    await page.close();
    expect(await ownTopicKeys()).toEqual([]);

    const context = await browser.newContext({ javaScriptEnabled: false });
    const plain = await context.newPage();
    await plain.goto(base);
    expect(await plain.getByRole('button', { name: 'Preview' }).count()).toBe(0);
    expect(await plain.getByRole('button', { name: 'Subscribe' }).isVisible()).toBe(true);
    await context.close();
  });
});
