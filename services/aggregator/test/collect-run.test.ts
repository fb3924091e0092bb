import { keySpaceOf, QUEUE, redisKeys } from '@tidings/shared';
import {
  addRunFlow,
  buildArticle,
  buildFeedReport,
  buildRunManifest,
  type ServiceProcess,
  spawnService,
  TINY_MODEL_DIR,
  testConfig,
  testRedis,
  waitFor,
  waitForJobState,
} from '@tidings/testing';
import { OwnTopicMatches, TopicStoreWriter } from '@tidings/topic-store';
import { type Job, Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectRun } from '../src/collect-run.js';

/**
 * collectRun on its own, against a real classifier process and real BullMQ flows: what a run's
 * record says about each of its articles, before anything is written as the run.
 */
const config = testConfig();
const redis = testRedis();
const keys = redisKeys(config.prefix);
const aggregate = new Queue(QUEUE.aggregate, { connection: redis, prefix: config.prefix });
const store = new TopicStoreWriter(redis, config.prefix, { labelOrder: config.zeroShot.labels });
const deps = {
  store,
  ownTopicMatches: new OwnTopicMatches(redis, config.prefix),
  ownTopicThreshold: config.ownTopics.threshold,
  redis,
  space: keySpaceOf(config),
  labelOrder: config.zeroShot.labels,
};
let classifier: ServiceProcess;

beforeAll(async () => {
  classifier = spawnService('classifier', {
    REDIS_URL: config.redis.url,
    TIDINGS_PREFIX: config.prefix,
    MODEL_DIR: TINY_MODEL_DIR,
    CLASSIFIER_THREADS: '1',
  });
  await waitFor(() => classifier.output().includes('classifier ready') || undefined, {
    what: 'a classifier',
    timeoutMs: 60_000,
  });
});

afterAll(async () => {
  await classifier.stop();
  await aggregate.close();
  await redis.quit();
});

const FEEDS = ['https://a.example/rss', 'https://b.example/rss'];

describe('collectRun', () => {
  it('accounts for every article: classified, failed with the reason, or missing its record; and every feed', async () => {
    const runId = 'collect-all';
    const poison = buildArticle({ id: 'poison', title: 'Poison' });
    await addRunFlow(
      redis,
      config.prefix,
      runId,
      [
        { article: buildArticle({ id: 'btc', title: 'Bitcoin falls below $80,000' }) },
        { article: buildArticle({ id: 'oil', title: 'OPEC cuts oil output' }) },
        { article: poison, record: JSON.stringify({ ...poison, published: 'not a date' }) },
        { article: buildArticle({ id: 'lost', title: 'Lost story' }) },
      ],
      { feeds: FEEDS },
    );
    const report = buildFeedReport({ url: FEEDS[0], fetched: 4, kept: 4 });
    await redis.hset(keys.runFeeds(runId), '0', JSON.stringify(report));
    const job = await waitForJobState(aggregate, runId, 'waiting', 30_000);
    // Its article record is gone once it was classified (an expired or damaged hash): its result alone cannot be shown.
    await redis.hdel(keys.runArticles(runId), 'lost');

    const { run } = await collectRun(job, buildRunManifest({ runId, feeds: FEEDS }), deps, {
      finalisedBy: 'aggregator',
    });
    expect(run.counts).toMatchObject({ new: 4, classified: 2, failed: 2 });
    expect(run.topics.flatMap((g) => g.articles.map((a) => [a.id, a.label]))).toEqual(
      expect.arrayContaining([
        ['btc', 'Crypto'],
        ['oil', 'Oil or Gas'],
      ]),
    );
    expect(run.failures).toEqual(
      expect.arrayContaining([
        {
          // Its record is unreadable, so its title is unknown; the classifier's reason says why.
          articleId: 'poison',
          title: '',
          reason: `article poison of run ${runId} has a record in the run's article hash that is not an article: published: Invalid ISO datetime`,
        },
        { articleId: 'lost', title: '', reason: 'its article record is missing from the run' },
      ]),
    );
    expect(run.failures).toHaveLength(2);
    expect(run.feeds).toEqual([
      report,
      {
        url: FEEDS[1],
        status: 'failed',
        fetched: 0,
        kept: 0,
        dropped: {},
        error: { code: 'FEED_NOT_READ', message: `${FEEDS[1]}: not read before the run was finalised` },
      },
    ]);
    // The classified articles are in the store already; the run's record is not written here.
    expect(await store.topicSizes()).toMatchObject({ Crypto: 1, 'Oil or Gas': 1 });
    expect(await store.hasRun(runId)).toBe(false);
  });

  it('lists articles whose children never finished with the reason it is given', async () => {
    const runId = 'collect-stuck';
    await addRunFlow(redis, config.prefix, runId, [
      { article: buildArticle({ id: 'quick', title: 'Bitcoin rallies' }) },
      { article: buildArticle({ id: 'stuck', title: 'Stuck story' }), opts: { delay: 3_600_000 } },
    ]);
    const job = (await waitFor(
      async () => {
        const parent = await aggregate.getJob(runId);
        const { processed } = (await parent?.getDependenciesCount({ processed: true })) ?? {};
        return processed === 1 ? parent : undefined;
      },
      { what: 'the quick child to finish' },
    )) as Job;
    const reason = 'run did not finish within RUN_TIMEOUT_MINUTES (1); 1 article(s) never finished';
    const { run } = await collectRun(job, buildRunManifest({ runId }), deps, { finalisedBy: 'watchdog', reason });
    expect(run).toMatchObject({ finalisedBy: 'watchdog', reason, counts: { new: 2, classified: 1, failed: 1 } });
    expect(run.failures).toEqual([{ articleId: 'stuck', title: 'Stuck story', reason }]);
  });
});
