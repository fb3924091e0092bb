import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startFeedServer, writeGeneratedFeed } from '@tidings/feed-fixtures';
import { requestRun } from '@tidings/run-requests';
import { createLogger, jobSigningKey } from '@tidings/runtime';
import { DAILY_SCHEDULER_ID, JOB, QUEUE, RunManifestSchema, readFeedJobId } from '@tidings/shared';
import { CNBC_FIXTURE, testConfig, testRedis, waitFor, waitForJobState } from '@tidings/testing';
import { Queue } from 'bullmq';
import { afterAll, describe, expect, it } from 'vitest';
import { type Loader, startLoader } from '../src/loader.js';
import { ENQUEUE_CHUNK } from '../src/read-feed-job.js';
import { SeenArticles } from '../src/seen-articles.js';
import { loadedRun } from './loaded-run.js';

const logger = createLogger('test', { level: 'silent' });
const redis = testRedis();
const opened: { close(): Promise<unknown> }[] = [];
afterAll(async () => {
  for (const o of opened.reverse()) await o.close();
  await redis.quit();
});

async function setup(env: Record<string, string> = {}, schedule = false) {
  const config = testConfig({ FEED_URLS: CNBC_FIXTURE, FETCH_RETRIES: '0', ...env });
  const loader = await startLoader({ config, logger, schedule });
  const queues = {
    feeds: new Queue(QUEUE.runRequests, { connection: redis, prefix: config.prefix }),
    aggregate: new Queue(QUEUE.aggregate, { connection: redis, prefix: config.prefix }),
    classify: new Queue(QUEUE.classify, { connection: redis, prefix: config.prefix }),
    readFeed: new Queue(QUEUE.readFeed, { connection: redis, prefix: config.prefix }),
  };
  opened.push(loader, ...Object.values(queues));
  return { config, loader, ...queues };
}

async function runAndWait(q: Awaited<ReturnType<typeof setup>>, request = {}) {
  const runId = await requestRun(q.feeds, request);
  const run = await loadedRun(redis, q.config.prefix, runId);
  return { runId, parent: (await q.aggregate.getJob(runId))!, ...run };
}

describe('loader fan-out', () => {
  it('adds one flow per run: a read-feed job per feed, which adds one classify child per new article, then none for the same feed', async () => {
    const q = await setup();
    const first = await runAndWait(q);
    expect(first.manifest).toEqual({
      runId: first.runId,
      trigger: 'manual',
      startedAt: expect.any(String),
      feeds: [CNBC_FIXTURE],
    });
    expect(first.articles).toHaveLength(12);
    // The read-feed child is done; its 12 classify siblings wait for a classifier.
    expect(await first.parent.getDependenciesCount({ processed: true, unprocessed: true })).toEqual({
      processed: 1,
      unprocessed: 12,
    });
    const children = await q.classify.getJobs(['waiting']);
    expect(children).toHaveLength(12);
    expect(new Set(children.map((c) => c.id))).toEqual(new Set(first.articles.map((a) => `${first.runId}.${a.id}`)));
    expect(children.every((c) => c.opts.parent?.id === first.runId)).toBe(true);

    const second = await runAndWait(q);
    expect(second.articles).toHaveLength(0);
    expect(second.feeds[0]).toMatchObject({ status: 'ok', kept: 12 });
    // Its only child, the read-feed job, is done: the run goes straight to the aggregator.
    expect(await second.parent.getState()).toBe('waiting');
    expect(await q.classify.getJobCounts('waiting')).toEqual({ waiting: 12 });

    const again = await runAndWait(q, { reclassify: true });
    expect(again.articles).toHaveLength(12);
    expect(await q.classify.getJobCounts('waiting')).toEqual({ waiting: 24 });
  });

  it("adds a large feed's articles in chunks, each article once, and a retried read adds nothing twice", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tidings-big-feed-'));
    const count = ENQUEUE_CHUNK * 2 + 17;
    const feed = writeGeneratedFeed(path.join(dir, 'big.xml'), count);
    const q = await setup({ FEED_URLS: feed });
    const run = await runAndWait(q);
    expect(run.articles).toHaveLength(count);
    expect(await q.classify.getJobCounts('waiting')).toEqual({ waiting: count });
    const read = (await q.readFeed.getJob(readFeedJobId(run.runId, 0)))!;
    await read.retry('completed');
    await waitFor(
      async () =>
        (await read.getState()) === 'completed' && (await q.readFeed.getJob(read.id!))?.finishedOn !== read.finishedOn,
      {
        what: 'the retried read',
      },
    );
    expect(await q.classify.getJobCounts('waiting')).toEqual({ waiting: count });
    expect(await run.parent.getDependenciesCount({ unprocessed: true })).toEqual({ unprocessed: count });
  });

  it('a retried loader job does not start a second run', async () => {
    const q = await setup();
    const { runId } = await runAndWait(q);
    const job = (await q.feeds.getJob(runId))!;
    await job.retry('completed');
    await waitForJobState(q.feeds, runId, 'completed');
    expect((await q.feeds.getJob(runId))?.returnvalue).toMatchObject({ runId, feeds: 1 });
    expect(await q.aggregate.getJobCounts('waiting-children', 'waiting')).toEqual({
      'waiting-children': 1,
      waiting: 0,
    });
    expect(await q.classify.getJobCounts('waiting')).toEqual({ waiting: 12 });
  });

  it('records a failing feed in the run and still reads the others', async () => {
    const server = await startFeedServer({ '/dead': (_req, res) => void res.writeHead(500).end() });
    opened.push(server);
    const q = await setup({ FEED_URLS: `${server.url('/dead')},${CNBC_FIXTURE}` });
    const { feeds, articles } = await runAndWait(q);
    expect(feeds.map((f) => f.status)).toEqual(['failed', 'ok']);
    expect(feeds[0]?.error).toEqual({
      code: 'FEED_HTTP_STATUS',
      message: `${server.url('/dead')}: HTTP 500 Internal Server Error`,
    });
    expect(articles).toHaveLength(12);
  });

  it('runs a feed given with the request instead of FEED_URLS (a file: signed, as `tidings run` does)', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tidings-loader-'));
    const q = await setup({ FEED_URLS: 'fixtures/feeds/atom.xml', DATA_DIR: dataDir });
    const runId = await requestRun(
      q.feeds,
      { feeds: [CNBC_FIXTURE] },
      { signingKey: jobSigningKey(dataDir, { create: true }) },
    );
    const { feeds, articles } = await loadedRun(redis, q.config.prefix, runId);
    expect(feeds).toMatchObject([{ url: CNBC_FIXTURE, status: 'ok' }]);
    expect(articles).toHaveLength(12);
  });

  it('fails bad job data at once with the reason', async () => {
    const q = await setup();
    await q.feeds.add(JOB.startRun, { trigger: 'sometimes' }, { jobId: 'bad-data', attempts: 3 });
    const job = await waitForJobState(q.feeds, 'bad-data', 'failed');
    expect(job.failedReason).toBe('bad feeds job data: trigger: Invalid option: expected one of "schedule"|"manual"');
    expect(job.attemptsMade).toBe(1);
  });
});

describe('claiming articles', () => {
  const articles = Array.from({ length: 40 }, (_, i) => ({ id: `a${i}` }));

  it('gives two runs at the same moment disjoint articles, every one to somebody', async () => {
    const seen = new SeenArticles(redis, testConfig().prefix, 30);
    const [a, b] = await Promise.all([seen.claim('run-a', articles), seen.claim('run-b', articles)]);
    expect(a.length + b.length).toBe(40);
    expect(a.filter((x) => b.includes(x))).toEqual([]);
  });

  it('gives a retried run its own articles back, and releases them when asked', async () => {
    const seen = new SeenArticles(redis, testConfig().prefix, 30);
    expect(await seen.claim('run-a', articles)).toHaveLength(40);
    expect(await seen.claim('run-a', articles)).toHaveLength(40);
    expect(await seen.claim('run-b', articles)).toHaveLength(0);
    expect(await seen.claim('run-b', articles, { reclassify: true })).toHaveLength(40);
    await seen.release('run-b', articles.map((a) => a.id).slice(0, 10));
    expect(await seen.claim('run-c', articles)).toHaveLength(10);
  });
});

describe('daily schedule', () => {
  it('three loaders starting at once leave one scheduler; a new DIGEST_CRON replaces it on restart', async () => {
    const config = testConfig({ FEED_URLS: CNBC_FIXTURE });
    const env = { TIDINGS_PREFIX: config.prefix, FEED_URLS: CNBC_FIXTURE };
    const loaders: Loader[] = await Promise.all([1, 2, 3].map(() => startLoader({ config: testConfig(env), logger })));
    const feeds = new Queue(QUEUE.runRequests, { connection: redis, prefix: config.prefix });
    opened.push(feeds);
    const schedulers = await feeds.getJobSchedulers();
    expect(schedulers).toHaveLength(1);
    expect(schedulers[0]).toMatchObject({ key: DAILY_SCHEDULER_ID, pattern: '0 6 * * *', tz: 'UTC' });
    for (const l of loaders) await l.close();

    const restarted = await startLoader({
      config: testConfig({ ...env, DIGEST_CRON: '30 7 * * 1-5', DIGEST_TZ: 'America/New_York' }),
      logger,
    });
    opened.push(restarted);
    const after = await feeds.getJobSchedulers();
    expect(after).toHaveLength(1);
    expect(after[0]).toMatchObject({ pattern: '30 7 * * 1-5', tz: 'America/New_York' });
  });

  it('a scheduled trigger creates exactly one run flow named after its time', async () => {
    const q = await setup({ DIGEST_CRON: '*/2 * * * * *' }, true);
    const parent = await waitFor(
      async () => (await q.aggregate.getJobs(['waiting-children'])).find((j) => j?.id?.startsWith('daily-')),
      { what: 'a scheduled run', timeoutMs: 15_000 },
    );
    expect(parent.id).toMatch(/^daily-\d{4}-\d{2}-\d{2}T\d{6}Z$/);
    expect(RunManifestSchema.parse(parent.data)).toMatchObject({ trigger: 'schedule' });
    expect(parent.id).toBeDefined();
    const run = await loadedRun(redis, q.config.prefix, parent.id!);
    expect(run.articles.length).toBeGreaterThan(0);
  });
});
