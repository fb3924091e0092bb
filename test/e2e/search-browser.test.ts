import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startDashboard } from '@tidings/dashboard';
import { createLogger } from '@tidings/runtime';
import { ARTIFACTS, buildRun, buildTopicArticle, launchChromium, testConfig, testRedis } from '@tidings/testing';
import { TopicStoreWriter } from '@tidings/topic-store';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const logger = createLogger('test', { level: 'silent' });
const TITLE =
  '<script>window.injected = 1</script><b id="bold">Bitcoin</b> slides <img src=x onerror="window.injected = 2">';
const SUMMARY =
  'Crypto ETF <em id="em">outflows</em> mount; <iframe src="https://evil.example"></iframe> bitcoin at $80,000';

function evilRun() {
  const now = new Date().toISOString();
  const article = buildTopicArticle({
    id: 'evil-1',
    title: TITLE,
    summary: SUMMARY,
    link: 'https://news.example/evil',
    published: new Date(Date.now() - 3_600_000).toISOString(),
    fetchedAt: now,
    label: 'Crypto',
    score: 0.9,
    runId: 'run-evil',
  });
  return buildRun({ id: 'run-evil', startedAt: now, finishedAt: now, durationMs: 5, articles: [article] });
}

describe('search in a real browser', () => {
  const config = testConfig({
    DASHBOARD_PORT: '0',
    DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'tidings-search-')),
  });
  const redis = testRedis();
  let close: () => Promise<unknown>;
  let base: string;
  let browser: Browser;

  beforeAll(async () => {
    await new TopicStoreWriter(redis, config.prefix).writeRun(evilRun());
    const dashboard = await startDashboard({ config, logger });
    close = dashboard.close;
    base = dashboard.address;
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await close?.();
    await redis.quit();
  });

  it('shows markup in a matching article as text, with only our <mark> elements around the matches', async () => {
    const page = await browser.newPage();
    const dialogs: string[] = [];
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    await page.goto(`${base}/?q=${encodeURIComponent('bitcoin outflows')}`);
    const hit = page.locator('.search-hit');
    expect(await hit.count()).toBe(1);
    expect(await hit.locator('h3').textContent()).toBe(TITLE);
    expect(await hit.locator('.summary').textContent()).toBe(SUMMARY);
    // Nothing from the article became an element: no script ran, no image, frame or styling tag.
    expect(await page.evaluate(() => (window as unknown as { injected?: number }).injected)).toBeUndefined();
    expect(dialogs).toEqual([]);
    for (const selector of ['#bold', '#em', 'b', 'em', 'img', 'iframe']) {
      expect(await page.locator(selector).count(), selector).toBe(0);
    }
    const scripts = await page.locator('script').evaluateAll((ss) => ss.map((s) => s.getAttribute('src')));
    expect(scripts).toEqual(['/assets/app.js']);
    // Inside the hit, the only elements are the page's own.
    const tags = await hit.evaluate((li) => [...new Set([...li.querySelectorAll('*')].map((e) => e.tagName))].sort());
    expect(tags).toEqual(['A', 'H3', 'MARK', 'P', 'SPAN', 'TIME']);
    expect(await hit.locator('mark').allTextContents()).toEqual(['Bitcoin', 'outflows', 'bitcoin']);
    await page.screenshot({ path: path.join(ARTIFACTS, 'search-results.png'), fullPage: true });
    await page.close();
  });

  it('searches with the form and without JavaScript, and keeps the query in the box', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(base);
    await page.getByRole('searchbox', { name: 'Search' }).fill('$80');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.waitForURL(/\?q=%2480/);
    expect(await page.locator('.search-hit mark').allTextContents()).toEqual(['$80']);
    expect(await page.getByRole('searchbox', { name: 'Search' }).inputValue()).toBe('$80');
    expect(await page.locator('#content').textContent()).toContain('1 article match “$80”.');

    await page.getByRole('searchbox', { name: 'Search' }).fill('nothing-like-it');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.waitForURL(/q=nothing-like-it/);
    expect(await page.locator('.search-hit').count()).toBe(0);
    expect(await page.locator('#content').textContent()).toContain('0 articles match “nothing-like-it”.');
    await context.close();
  });
});
