import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startAggregator } from '@tidings/aggregator';
import { startClassifier } from '@tidings/classifier';
import { startDashboard } from '@tidings/dashboard';
import { generatedFeed, startFeedServer } from '@tidings/feed-fixtures';
import { startLoader } from '@tidings/loader';
import { requestRun } from '@tidings/run-requests';
import { createLogger } from '@tidings/runtime';
import type { Digest } from '@tidings/shared';
import { ARTIFACTS, launchChromium, testConfig, waitFor } from '@tidings/testing';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const logger = createLogger('test', { level: 'silent' });
const TZ = 'America/New_York';
const RETENTION_DAYS = 10;

/** Calendar arithmetic on YYYY-MM-DD, independent of the code under test. */
const plusDays = (day: string, n: number) => {
  const [y, m, d] = day.split('-').map(Number);
  return new Date(Date.UTC(y ?? 0, (m ?? 1) - 1, (d ?? 1) + n)).toISOString().slice(0, 10);
};
const today = new Intl.DateTimeFormat('en-CA', {
  timeZone: TZ,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
}).format(new Date());
const [D3, D2, D1] = [plusDays(today, -3), plusDays(today, -2), plusDays(today, -1)] as [string, string, string];

/**
 * The fixture's items and the New York day each belongs to. "Noon" items are 17:00 UTC
 * (noon or 1 pm in New York); "late" items are 03:30 UTC the next UTC day, which is still
 * the evening before in New York (EST or EDT): a digest by UTC day would put them a day late.
 */
const PLAN: { day: string; noon: number; late: number }[] = [
  { day: D3, noon: 2, late: 1 },
  { day: D2, noon: 3, late: 1 },
  { day: D1, noon: 1, late: 1 },
];
const ITEMS = PLAN.flatMap(({ day, noon, late }) => [
  ...Array.from({ length: noon }, (_, i) => ({ day, at: new Date(`${day}T17:0${i}:00Z`) })),
  ...Array.from({ length: late }, (_, i) => ({ day, at: new Date(`${plusDays(day, 1)}T03:3${i}:00Z`) })),
]);
const titlesOn = (day: string) =>
  ITEMS.flatMap((item, i) => (item.day === day ? [i] : [])).map((i) => expect.stringContaining(`(hist ${i})`));

describe('history and trends of a feed whose items span several days, through the real pipeline', () => {
  const closers: { close(): Promise<unknown> }[] = [];
  let base: string;
  let browser: Browser;

  beforeAll(async () => {
    const feed = generatedFeed(ITEMS.length, { tag: 'hist', published: (i) => ITEMS[i]?.at ?? new Date() });
    const server = await startFeedServer({ '/history.xml': (_req, res) => void res.end(feed) });
    closers.push(server);
    const config = testConfig({
      FEED_URLS: server.url('/history.xml'),
      FEED_ALLOW_PRIVATE: 'true',
      DIGEST_TZ: TZ,
      RETENTION_DAYS: String(RETENTION_DAYS),
      DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'tidings-history-')),
      DASHBOARD_PORT: '0',
    });
    const loader = await startLoader({ config, logger, schedule: false });
    const classifier = await startClassifier({ config, logger });
    const aggregator = await startAggregator({ config, logger });
    const dashboard = await startDashboard({ config, logger });
    closers.push(loader, classifier, aggregator, dashboard);
    base = dashboard.address;
    const runId = await requestRun(loader.feedsQueue);
    const run = await waitFor(() => aggregator.store.run(runId).then((r) => r ?? undefined), {
      what: 'the run',
      timeoutMs: 40_000,
    });
    expect(run.counts).toEqual({ fetched: ITEMS.length, new: ITEMS.length, classified: ITEMS.length, failed: 0 });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    for (const c of closers.reverse()) await c.close();
  });

  const json = async <T>(p: string): Promise<T> => {
    const res = await fetch(`${base}${p}`);
    expect(res.status, p).toBe(200);
    return (await res.json()) as T;
  };
  const dayDigest = (day: string) => json<Digest>(`/api/topics?day=${day}`);
  const titles = (digest: Digest) => digest.topics.flatMap((g) => g.articles.map((a) => a.title));

  it('/api/topics?day= holds exactly the items published on that day in DIGEST_TZ', async () => {
    for (const day of [D3, D1]) {
      const digest = await dayDigest(day);
      expect(titles(digest).sort(), day).toEqual(expect.arrayContaining(titlesOn(day)));
      expect(titles(digest)).toHaveLength(titlesOn(day).length);
      for (const g of digest.topics) expect(g.count).toBe(g.articles.length);
      // The window is New York's midnight to midnight.
      const local = (iso: string | null) =>
        new Intl.DateTimeFormat('en-CA', {
          timeZone: TZ,
          dateStyle: 'short',
          timeStyle: 'short',
          hourCycle: 'h23',
        }).format(new Date(iso ?? 0));
      expect(local(digest.from)).toBe(`${day}, 00:00`);
      expect(local(digest.to)).toBe(`${plusDays(day, 1)}, 00:00`);
    }
    expect(titles(await dayDigest(today))).toEqual([]);
    const outside = await fetch(`${base}/api/topics?day=${plusDays(today, -RETENTION_DAYS)}`);
    expect(outside.status).toBe(400);
    expect(((await outside.json()) as { message: string }).message).toContain('RETENTION_DAYS');
  });

  it('/api/trends?days=N counts each day and topic as the day digests do, and the items by their day', async () => {
    const { days } = await json<{ days: { day: string; counts: Record<string, number> }[] }>('/api/trends?days=5');
    expect(days.map((d) => d.day)).toEqual([-4, -3, -2, -1, 0].map((n) => plusDays(today, n)));
    for (const { day, counts } of days) {
      const expected = ITEMS.filter((item) => item.day === day).length;
      expect(
        Object.values(counts).reduce((a, b) => a + b, 0),
        day,
      ).toBe(expected);
      const digest = await dayDigest(day);
      const perTopic = Object.fromEntries(digest.topics.map((g) => [g.label, g.count]));
      expect(Object.fromEntries(Object.entries(counts).filter(([, n]) => n > 0)), day).toEqual(perTopic);
    }
    expect((await fetch(`${base}/api/trends?days=${RETENTION_DAYS + 1}`)).status).toBe(400);
    expect((await fetch(`${base}/api/trends?days=0`)).status).toBe(400);
  });

  it('the page for a day links the days before and after it, within the retention window', async () => {
    const page = async (query: string) => (await fetch(`${base}/${query}`)).text();
    const middle = await page(`?day=${D2}`);
    expect(middle).toContain(`${titlesOn(D2).length} articles in`);
    expect(middle).toContain(`published on ${D2}.`);
    expect(middle).toContain(`<a rel="prev" href="/?day=${D3}">← ${D3}</a>`);
    expect(middle).toContain(`<a rel="next" href="/?day=${D1}">${D1} →</a>`);
    const latest = await page('');
    expect(latest).toContain(`<a rel="prev" href="/?day=${D1}">`);
    expect(latest).not.toContain('rel="next"');
    const oldest = await page(`?day=${plusDays(today, 1 - RETENTION_DAYS)}`);
    expect(oldest).not.toContain('rel="prev"');
    expect(oldest).toContain(`<a rel="next" href="/?day=${plusDays(today, 2 - RETENTION_DAYS)}">`);
    expect(await page(`?day=${today}`)).not.toContain('rel="next"');
  });

  it('in Chromium without JavaScript: the chart renders, the table matches /api/trends, the links lead to the day', async () => {
    const api = await json<{ days: { day: string; counts: Record<string, number> }[] }>(
      `/api/trends?days=${RETENTION_DAYS}`,
    );
    const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await page.goto(base);
    const chart = page.locator('svg.trend-chart');
    await chart.waitFor();
    const box = await chart.boundingBox();
    expect(box?.width).toBeGreaterThan(300);
    expect(box?.height).toBeGreaterThan(50);
    // One bar a day, as tall as its day's total: the busiest day is the tallest, empty days are flat.
    const bars = chart.locator('g.bars rect');
    expect(await bars.count()).toBe(RETENTION_DAYS);
    const heights = await bars.evaluateAll((rects) => rects.map((r) => r.getBoundingClientRect().height));
    const totals = api.days.map((d) => Object.values(d.counts).reduce((a, b) => a + b, 0));
    expect(totals.indexOf(Math.max(...totals))).toBe(api.days.findIndex((d) => d.day === D2));
    heights.forEach((h, i) => {
      if (totals[i] === 0) expect(h, api.days[i]?.day).toBe(0);
      else
        expect(h, api.days[i]?.day).toBeCloseTo(
          (heights[totals.indexOf(Math.max(...totals))] ?? 0) * ((totals[i] ?? 0) / Math.max(...totals)),
          0,
        );
    });
    expect(await page.locator('ul.sparklines svg.sparkline').count()).toBeGreaterThan(0);
    await page.locator('#trends').screenshot({ path: path.join(ARTIFACTS, 'trends-chart.png') });

    await page.locator('details.trend-table > summary').click();
    const table = page.getByRole('table', { name: 'Articles per topic and day' });
    const labels = (await table.locator('thead th').allTextContents()).slice(1);
    const rows = await table
      .locator('tbody tr')
      .evaluateAll((trs) =>
        trs.map((tr) => [...tr.querySelectorAll('th, td')].map((cell) => cell.textContent?.trim() ?? '')),
      );
    expect(rows).toEqual(api.days.map((d) => [d.day, ...labels.map((l) => String(d.counts[l] ?? 0))]));

    await page.getByRole('link', { name: `← ${D1}` }).click();
    await page.waitForURL(`**/?day=${D1}`);
    expect(await page.locator('.topics .article').count()).toBe(titlesOn(D1).length);
    await page.getByRole('link', { name: `← ${D2}` }).click();
    await page.waitForURL(`**/?day=${D2}`);
    expect(await page.locator('.topics .article').count()).toBe(titlesOn(D2).length);
    await context.close();
  });
});
