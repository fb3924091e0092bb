import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type Aggregator, startAggregator } from '@tidings/aggregator';
import { startClassifier } from '@tidings/classifier';
import { startDashboard } from '@tidings/dashboard';
import { type Loader, startLoader } from '@tidings/loader';
import { readRunProgress, requestRun } from '@tidings/run-requests';
import { createLogger } from '@tidings/runtime';
import { type Digest, DigestSchema, QUEUE, type TopicArticle } from '@tidings/shared';
import {
  ARTIFACTS,
  CNBC_FIXTURE,
  launchChromium,
  MARKETWIRE_FIXTURE,
  SHARED_FIXTURE_STORIES,
  testConfig,
  testRedis,
  waitFor,
} from '@tidings/testing';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const logger = createLogger('test', { level: 'silent' });

/** A third outlet's feed: empty at first, later one more copy of the oil story. */
function thirdOutlet(items: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Late Wire</title><link>https://www.latewire.example/</link>${items}</channel></rss>
`;
}
// Its title carries markup as text (escaped twice in the feed), which the page must show as text.
const LATE_OIL_COPY = `<item><title>Oil rallies 3% as OPEC+ puts off its planned output increase &amp;lt;img src=x onerror=&amp;quot;window.pwned=1&amp;quot;&amp;gt;</title>
<link>https://www.latewire.example/oil-opec-delay</link><guid isPermaLink="false">lw-1</guid>
<description>Brent crude settled at $71.20 a barrel; West Texas Intermediate rose to $67.85 and natural gas futures climbed.</description>
<pubDate>Tue, 24 Nov 2026 21:50:00 GMT</pubDate></item>`;

describe('one story, many outlets: two fixture feeds through the real pipeline', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tidings-stories-'));
  const lateFeed = path.join(dataDir, 'latewire.xml');
  fs.writeFileSync(lateFeed, thirdOutlet(''));
  const config = testConfig({
    FEED_URLS: [CNBC_FIXTURE, MARKETWIRE_FIXTURE, lateFeed].join(','),
    // One feed at a time, so which outlet's copy becomes the story (the first read) is known.
    FEED_CONCURRENCY: '1',
    DATA_DIR: dataDir,
    DASHBOARD_PORT: '0',
  });
  const redis = testRedis();
  const classifyQueue = new Queue(QUEUE.classify, { connection: redis, prefix: config.prefix });
  const aggregateQueue = new Queue(QUEUE.aggregate, { connection: redis, prefix: config.prefix });
  const closers: { close(): Promise<unknown> }[] = [];
  let loader: Loader;
  let aggregator: Aggregator;
  let dashboard: Awaited<ReturnType<typeof startDashboard>>;

  beforeAll(async () => {
    loader = await startLoader({ config, logger, schedule: false });
    aggregator = await startAggregator({ config, logger });
    dashboard = await startDashboard({ config, logger });
    closers.push(loader, aggregator, dashboard);
  });
  afterAll(async () => {
    for (const c of closers.reverse()) await c.close();
    await classifyQueue.close();
    await aggregateQueue.close();
    await redis.quit();
  });

  const waitForRun = (runId: string) =>
    waitFor(() => aggregator.store.run(runId).then((r) => r ?? undefined), { what: `run ${runId}`, timeoutMs: 60_000 });
  const topics = async (): Promise<Digest> => {
    const response = await fetch(new URL('/api/topics', dashboard.address));
    expect(response.status).toBe(200);
    return DigestSchema.parse(await response.json());
  };
  const articleTitled = (digest: Digest, start: string): TopicArticle | undefined =>
    digest.topics.flatMap((g) => g.articles).find((a) => a.title.startsWith(start));

  it('classifies each story once, and the API returns every shared story with both outlets as its sources', async () => {
    const runId = await requestRun(loader.feedsQueue);
    // No classifier yet: once every feed is read, the classify queue holds exactly the jobs the run asked for.
    await waitFor(async () => (await readRunProgress(aggregateQueue, redis, runId))?.feedsRead === 3, {
      what: 'every feed to be read',
    });
    const counts = await classifyQueue.getJobCounts('waiting', 'active', 'completed', 'failed', 'delayed');
    const classifyJobs = Object.values(counts).reduce((sum, n) => sum + n, 0);
    expect(classifyJobs).toBe(12 + 11 - SHARED_FIXTURE_STORIES.length);

    closers.push(await startClassifier({ config, logger }));
    const run = await waitForRun(runId);
    expect(run.counts).toEqual({ fetched: 23, new: 16, classified: 16, failed: 0 });

    const digest = await topics();
    const shown = digest.topics.flatMap((g) => g.articles);
    // 16 stories, less the CNBC item from a week earlier that is outside the 24-hour window.
    expect(shown).toHaveLength(15);
    for (const [cnbcTitle, marketwireTitle] of SHARED_FIXTURE_STORIES) {
      const story = articleTitled(digest, cnbcTitle);
      expect(story?.sources?.map((s) => s.title.slice(0, marketwireTitle.length))).toEqual([
        story?.title.slice(0, marketwireTitle.length),
        marketwireTitle,
      ]);
      expect(story?.sources?.[0]).toEqual({
        feed: story?.feed,
        title: story?.title,
        link: story?.link,
        published: story?.published,
      });
      expect(articleTitled(digest, marketwireTitle)).toBeUndefined();
    }
    expect(shown.filter((a) => a.sources?.length === 1)).toHaveLength(15 - SHARED_FIXTURE_STORIES.length);
    expect(articleTitled(digest, 'Gold hits a record high')?.sources?.[0]?.link).toBe(
      'https://www.marketwire.example/commodities/gold-record-weak-dollar',
    );

    const page = await (await fetch(dashboard.address)).text();
    expect(page.match(/also reported by/g)).toHaveLength(SHARED_FIXTURE_STORIES.length);
    expect(page).toContain(
      'also reported by <a href="https://www.marketwire.example/markets/crypto/bitcoin-falls-under-80k-etf-withdrawals" rel="noopener noreferrer" target="_blank" title="Bitcoin falls under $80,000 as investors pull money from crypto ETFs">marketwire.example</a>',
    );
  });

  it('a copy that arrives in a later run joins its classified story: no classify job, one more source', async () => {
    fs.writeFileSync(lateFeed, thirdOutlet(LATE_OIL_COPY));
    const completedBefore = await classifyQueue.getCompletedCount();
    const runId = await requestRun(loader.feedsQueue);
    const run = await waitForRun(runId);
    expect(run.counts).toEqual({ fetched: 24, new: 0, classified: 0, failed: 0 });
    expect(await classifyQueue.getCompletedCount()).toBe(completedBefore);

    const oil = articleTitled(await topics(), 'Oil jumps 3%');
    expect(oil?.sources?.map((s) => s.link)).toEqual([
      'https://www.cnbc.com/2026/11/24/oil-prices-opec-output-decision.html',
      'https://www.marketwire.example/commodities/opec-plus-delay-oil-rally',
      'https://www.latewire.example/oil-opec-delay',
    ]);
    // The topic feeds name the other outlets too.
    const json = await (await fetch(new URL('/feeds/oil-or-gas.json', dashboard.address))).json();
    expect(json.items[0]._tidings.also_reported_by.map((o: { url: string }) => o.url)).toEqual([
      'https://www.marketwire.example/commodities/opec-plus-delay-oil-rally',
      'https://www.latewire.example/oil-opec-delay',
    ]);
    const atom = await (await fetch(new URL('/feeds/oil-or-gas.xml', dashboard.address))).text();
    expect(atom).toContain(
      '<link rel="related" href="https://www.latewire.example/oil-opec-delay" title="Oil rallies 3%',
    );
    expect(atom).toContain('&lt;img src=x onerror=&quot;window.pwned=1&quot;&gt;');

    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      await page.goto(dashboard.address);
      expect(await page.locator('.article .also-reported').count()).toBe(SHARED_FIXTURE_STORIES.length);
      const outlets = page.locator('.article', { hasText: 'Oil jumps 3%' }).locator('.also-reported a');
      expect(await outlets.allTextContents()).toEqual(['marketwire.example', 'latewire.example']);
      expect(await outlets.nth(1).getAttribute('href')).toBe('https://www.latewire.example/oil-opec-delay');
      expect(await outlets.nth(1).getAttribute('title')).toContain('<img src=x onerror="window.pwned=1">');
      expect(await page.locator('.article img').count()).toBe(0);
      expect(await page.evaluate(() => (window as unknown as { pwned?: number }).pwned)).toBeUndefined();
      await page.screenshot({ path: path.join(ARTIFACTS, 'stories-page.png'), fullPage: true });
    } finally {
      await browser.close();
    }
  });
});
