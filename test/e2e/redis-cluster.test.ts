import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type Aggregator, startAggregator } from '@tidings/aggregator';
import { startClassifier } from '@tidings/classifier';
import { startDashboard } from '@tidings/dashboard';
import { type Loader, startLoader } from '@tidings/loader';
import { readRunProgress, requestRun } from '@tidings/run-requests';
import { createLogger, createRedis } from '@tidings/runtime';
import {
  DigestSchema,
  keySpaceOf,
  loadConfig,
  ownTopicId,
  QUEUE,
  queuePrefix,
  redisKeys,
  type TopicArticle,
} from '@tidings/shared';
import {
  type ClusterSetup,
  CNBC_FIXTURE,
  expectedTopic,
  MARKETWIRE_FIXTURE,
  SHARED_FIXTURE_STORIES,
  startClusterSetup,
  TINY_MODEL_DIR,
  testPrefix,
  waitFor,
} from '@tidings/testing';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const logger = createLogger('test', { level: 'silent' });

/**
 * The whole pipeline on a Redis Cluster of three primaries: every script, transaction and
 * pipeline touches keys of one hash tag only (a CROSSSLOT error anywhere fails a job), and
 * BullMQ's flows work across queues because every queue shares one tag.
 */
describe('Redis Cluster: loader → classifier → aggregator → dashboard on three primaries', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tidings-cluster-e2e-'));
  let cluster: ClusterSetup;
  let config: ReturnType<typeof loadConfig>;
  let redis: ReturnType<typeof createRedis>;
  let aggregateQueue: Queue;
  let loader: Loader;
  let aggregator: Aggregator;
  let dashboard: Awaited<ReturnType<typeof startDashboard>>;
  const closers: { close(): Promise<unknown> }[] = [];

  beforeAll(async () => {
    cluster = await startClusterSetup(path.join(dir, 'cluster'));
    config = loadConfig({
      ...cluster.env,
      TIDINGS_PREFIX: testPrefix(),
      FEED_URLS: [CNBC_FIXTURE, MARKETWIRE_FIXTURE].join(','),
      // One feed at a time, so the CNBC copy of each shared story is the story (read first).
      FEED_CONCURRENCY: '1',
      MODEL_DIR: TINY_MODEL_DIR,
      CLASSIFIER_THREADS: '1',
      DATA_DIR: path.join(dir, 'data'),
      DASHBOARD_PORT: '0',
      LOG_LEVEL: 'silent',
    });
    redis = createRedis(config.redis);
    aggregateQueue = new Queue(QUEUE.aggregate, { connection: redis, prefix: queuePrefix(keySpaceOf(config)) });
    loader = await startLoader({ config, logger });
    closers.push(loader);
    aggregator = await startAggregator({ config, logger });
    closers.push(aggregator);
    dashboard = await startDashboard({ config, logger });
    closers.push(dashboard);
  }, 120_000);
  afterAll(async () => {
    for (const c of closers.reverse()) await c.close();
    await aggregateQueue?.close();
    redis?.disconnect();
    await cluster?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const waitForRun = (runId: string) =>
    waitFor(() => aggregator.store.run(runId).then((r) => r ?? undefined), { what: `run ${runId}`, timeoutMs: 45_000 });

  /** Every article in the store, whatever its age. */
  const storedArticles = async (): Promise<TopicArticle[]> =>
    aggregator.store.articlesById(await aggregator.store.articleIdsPublishedSince(0));

  it('classifies each story once into its topic, stores each article once, and serves them over HTTP', async () => {
    const runId = await requestRun(loader.feedsQueue);
    // No classifier yet: progress reads the run's hashes through the key space behind the
    // queue's tagged prefix, and counts the stories the feeds gave.
    const read = await waitFor(
      async () => {
        const progress = await readRunProgress(aggregateQueue, redis, runId);
        return progress?.feedsRead === 2 ? progress : undefined;
      },
      { what: 'both feeds to be read', timeoutMs: 30_000 },
    );
    expect(read).toMatchObject({ total: 16, classified: 0, feeds: 2 });
    closers.push(await startClassifier({ config, logger }));
    const run = await waitForRun(runId);
    expect(run.counts).toEqual({ fetched: 23, new: 16, classified: 16, failed: 0 });

    const stored = await storedArticles();
    expect(stored).toHaveLength(16);
    expect(new Set(stored.map((a) => a.id)).size).toBe(16);
    // Each of the 23 articles the feeds gave is stored once: as a story, or as a story's source.
    const links = stored.flatMap((a) => (a.sources ?? []).map((s) => s.link));
    expect(links).toHaveLength(23);
    expect(new Set(links).size).toBe(23);
    for (const article of stored.filter((a) => a.feed === CNBC_FIXTURE)) {
      expect(article.label, article.title).toBe(expectedTopic(article.title));
    }
    expect(stored.filter((a) => a.feed === CNBC_FIXTURE)).toHaveLength(12);

    const response = await fetch(new URL('/api/topics', dashboard.address));
    expect(response.status).toBe(200);
    const digest = DigestSchema.parse(await response.json());
    expect(digest.runId).toBe(runId);
    const shown = digest.topics.flatMap((g) => g.articles);
    // The week-old CNBC item is outside the 24-hour window.
    expect(shown).toHaveLength(15);
    for (const [cnbcTitle, marketwireTitle] of SHARED_FIXTURE_STORIES) {
      const story = shown.find((a) => a.title.startsWith(cnbcTitle));
      expect(story?.sources?.map((s) => s.title.slice(0, marketwireTitle.length))).toEqual([
        story?.title.slice(0, marketwireTitle.length),
        marketwireTitle,
      ]);
    }
    const page = await (await fetch(dashboard.address)).text();
    expect(page.match(/also reported by/g)).toHaveLength(SHARED_FIXTURE_STORIES.length);
  });

  it('a second run claims nothing again and leaves every topic as it was', async () => {
    const before = await storedArticles();
    const runId = await requestRun(loader.feedsQueue);
    const run = await waitForRun(runId);
    expect(run.counts).toEqual({ fetched: 23, new: 0, classified: 0, failed: 0 });
    const after = await storedArticles();
    expect(after.map((a) => [a.id, a.label, a.sources?.length])).toEqual(
      before.map((a) => [a.id, a.label, a.sources?.length]),
    );
    const runs = await (await fetch(new URL('/api/runs', dashboard.address))).json();
    expect(runs.total).toBe(2);
  });

  it("keeps a subscriber's record, id set and feed key together, and serves their personal feed", async () => {
    const created = await fetch(new URL('/api/subscriptions', dashboard.address), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Ann', topics: ['Crypto'] }),
    });
    expect(created.status).toBe(201);
    const ann = await created.json();
    const feed = await (await fetch(ann.jsonFeedUrl)).json();
    const titles = feed.items.map((item: { title: string }) => item.title);
    expect(titles.length).toBeGreaterThan(0);
    for (const title of titles) expect(expectedTopic(title) ?? 'Crypto', title).toBe('Crypto');
    const removed = await fetch(new URL(`/api/subscriptions/${ann.id}`, dashboard.address), { method: 'DELETE' });
    expect(removed.status).toBe(204);
    expect((await fetch(ann.jsonFeedUrl)).status).toBe(404);
  });

  it("classifies a subscriber's own topic against the stored articles and serves its matches in their feed", async () => {
    const created = await fetch(new URL('/api/subscriptions', dashboard.address), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Bo', ownTopics: ['Bitcoin and crypto tokens'] }),
    });
    expect(created.status).toBe(201);
    const bo = await created.json();
    const topicId = ownTopicId('Bitcoin and crypto tokens');
    // The record, the registry and the topic's subscriber set changed in one script: one slot.
    expect(await redis.hgetall(redisKeys(keySpaceOf(config)).ownTopics)).toEqual({
      [topicId]: 'Bitcoin and crypto tokens',
    });
    // The classifier backfills it on the cluster: reads the store, writes the matches beside it.
    const backfill = new Queue(QUEUE.backfill, { connection: redis, prefix: queuePrefix(keySpaceOf(config)) });
    try {
      const outcome = await waitFor(
        async () => (await backfill.getCompleted()).find((job) => job.data.topicId === topicId)?.returnvalue,
        { what: "the own topic's backfill", timeoutMs: 45_000 },
      );
      expect(await backfill.getFailedCount()).toBe(0);
      expect(outcome.total).toBeGreaterThan(0);
      expect(outcome).toMatchObject({ topicId, done: outcome.total });
      const feed = await (await fetch(bo.jsonFeedUrl)).json();
      expect(feed.items).toHaveLength(outcome.matched);
      for (const item of feed.items) expect(item.tags).toContain('Bitcoin and crypto tokens');
    } finally {
      await backfill.close();
    }
  });

  it('spreads the groups over the primaries, each group in one slot, under the cluster names', async () => {
    const nodes = cluster.ports.map((port) => new Redis({ port, host: '127.0.0.1', lazyConnect: true }));
    try {
      const keysPerNode = await Promise.all(nodes.map((node) => node.keys(`*${config.prefix}*`)));
      // More than one primary holds tidings keys: the cluster is really used, not one node of it.
      expect(keysPerNode.filter((keys) => keys.length > 0).length).toBeGreaterThan(1);
      const all = keysPerNode.flat();
      const tags = new Set(all.flatMap((key) => /^\{([^}]+)\}/.exec(key)?.[1] ?? []));
      // Keys only ever used one at a time keep their names and need no tag.
      for (const key of all.filter((k) => !k.startsWith('{')))
        expect(key).toMatch(
          /^[^:]+:(feed-list|feed-status|feed-validators:[0-9a-f]{32}|classifier-versions|classifier-version|reclassify-active)$/,
        );
      for (const tag of [
        config.prefix,
        `${config.prefix}:store`,
        `${config.prefix}:seen`,
        `${config.prefix}:stories`,
        `${config.prefix}:subscriptions`,
      ])
        expect(tags, tag).toContain(tag);
      // Each group lives on exactly one node.
      for (const tag of tags) {
        const holders = keysPerNode.filter((keys) => keys.some((key) => key.startsWith(`{${tag}}`)));
        expect(holders, String(tag)).toHaveLength(1);
      }
      expect(all.filter((key) => key.startsWith(`${config.prefix}:store:`))).toEqual([]);
    } finally {
      for (const node of nodes) node.disconnect();
    }
  });
});
