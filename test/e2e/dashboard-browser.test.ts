import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startAggregator } from '@tidings/aggregator';
import { startClassifier } from '@tidings/classifier';
import { startDashboard } from '@tidings/dashboard';
import { startLoader } from '@tidings/loader';
import { requestRun } from '@tidings/run-requests';
import { createLogger } from '@tidings/runtime';
import { ARTIFACTS, CNBC_FIXTURE, expectedTopic, launchChromium, testConfig, waitFor } from '@tidings/testing';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const logger = createLogger('test', { level: 'silent' });

describe('the topic page in a real browser', () => {
  const config = testConfig({
    FEED_URLS: CNBC_FIXTURE,
    DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'tidings-browser-')),
    DASHBOARD_PORT: '0',
  });
  const closers: { close(): Promise<unknown> }[] = [];
  let browser: Browser;
  let base: string;

  beforeAll(async () => {
    const loader = await startLoader({ config, logger, schedule: false });
    const classifier = await startClassifier({ config, logger });
    const aggregator = await startAggregator({ config, logger });
    const dashboard = await startDashboard({ config, logger });
    closers.push(loader, classifier, aggregator, dashboard);
    base = dashboard.address;
    const runId = await requestRun(loader.feedsQueue);
    await waitFor(() => aggregator.store.run(runId).then((r) => r ?? undefined), { what: 'the first run' });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    for (const c of closers.reverse()) await c.close();
  });

  it('shows the topic groups of a real run, and a "Run now" run appears without reloading', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(base);
    const sections = page.locator('section.topic');
    expect(await sections.count()).toBe(10);
    for (const section of await sections.all()) {
      const label = await section.getAttribute('data-topic');
      for (const title of await section.locator('.article h3').allTextContents())
        expect(label, title).toBe(expectedTopic(title.trim()));
    }
    expect(await page.locator('a', { hasText: 'Bitcoin slides below $80,000' }).getAttribute('href')).toBe(
      'https://www.cnbc.com/2026/11/24/bitcoin-slides-below-80000-as-crypto-etf-outflows-mount.html',
    );
    expect(await page.locator('#run-rows tr').count()).toBe(1);
    // Every score, behind a summary a reader opens without JavaScript: ten bars, the top first.
    const scores = page.locator('.article details.scores').first();
    await scores.locator('summary').click();
    const meters = scores.locator('meter');
    expect(await meters.count()).toBe(10);
    const values = (await meters.evaluateAll((ms) => ms.map((m) => Number((m as HTMLMeterElement).value)))) as number[];
    expect(values.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 3);
    expect(values).toEqual([...values].sort((a, b) => b - a));
    await page.screenshot({ path: path.join(ARTIFACTS, 'topic-page.png'), fullPage: true });

    await page.evaluate(() => {
      (window as unknown as { marker: string }).marker = 'same page';
    });
    await page.getByRole('button', { name: 'Run now' }).click();
    await page.locator('#notice', { hasText: 'started' }).waitFor({ timeout: 15_000 });
    await page.waitForFunction(() => document.querySelectorAll('#run-rows tr').length === 2, null, { timeout: 30_000 });
    await page.locator('#notice', { hasText: 'finished: 0 new, 0 classified, 0 failed' }).waitFor({ timeout: 15_000 });
    expect(await page.evaluate(() => (window as unknown as { marker?: string }).marker)).toBe('same page');
    expect(await page.locator('#run-rows tr').first().locator('td').nth(5).textContent()).toBe('0');
    await page.screenshot({ path: path.join(ARTIFACTS, 'topic-page-after-run.png'), fullPage: true });
    await page.close();
  });

  it('filters by topic with the form, without JavaScript', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(base);
    await page.selectOption('#topic', 'Stock');
    await page.getByRole('button', { name: 'Show' }).click();
    await page.waitForURL(/topic=Stock/);
    expect(await page.locator('section.topic').count()).toBe(1);
    expect(await page.locator('section.topic .article').count()).toBe(2);
    await context.close();
  });

  it('opens Bull Board at /queues with the six queues', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`${base}/queues`);
    for (const name of ['feeds', 'read-feed', 'classify', 'aggregate', 'notify', 'backfill']) {
      await page.getByText(name, { exact: true }).first().waitFor({ timeout: 15_000 });
    }
    await page.screenshot({ path: path.join(ARTIFACTS, 'bull-board.png') });
    await page.close();
  });
});
