import { PreviewUnansweredError, requestOwnTopicPreview } from '@tidings/run-requests';
import { createLogger } from '@tidings/runtime';
import { JOB, OwnTopicPreviewSchema, QUEUE, redisKeys } from '@tidings/shared';
import { buildPreviewFixtureRun, buildTopicArticle, testConfig, testRedis, waitFor } from '@tidings/testing';
import { TopicStoreReader, TopicStoreWriter } from '@tidings/topic-store';
import { Queue, QueueEvents } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Classifier, startClassifier } from '../src/classifier.js';
import { previewOwnTopic, topMatches } from '../src/preview-own-topic.js';

const logger = createLogger('test', { level: 'silent' });
const redis = testRedis();
afterAll(() => redis.quit());

/** Every key under the prefix but the preview queue's own (its id counter and event stream). */
async function keysBesideThePreviewQueue(prefix: string): Promise<string[]> {
  return (await redis.keys(`${prefix}:*`)).filter((k) => !k.startsWith(`${prefix}:${QUEUE.preview}:`)).sort();
}

describe('an own topic previewed by a classifier on the real queue, with the tiny model', () => {
  const config = testConfig({ PREVIEW_MAX_ARTICLES: '5', BACKFILL_DAYS: '7', PREVIEW_TIMEOUT_MS: '20000' });
  const queue = new Queue(QUEUE.preview, { connection: redis, prefix: config.prefix });
  const eventsConnection = redis.duplicate();
  const events = new QueueEvents(QUEUE.preview, { connection: eventsConnection, prefix: config.prefix });
  let classifier: Classifier;
  beforeAll(async () => {
    await new TopicStoreWriter(redis, config.prefix).writeRun(buildPreviewFixtureRun());
    await events.waitUntilReady();
    classifier = await startClassifier({ config, logger });
  });
  afterAll(async () => {
    await classifier.close();
    await events.close();
    eventsConnection.disconnect();
    await queue.close();
  });

  it('counts the matches among the newest PREVIEW_MAX_ARTICLES of the window and lists the best, storing nothing', async () => {
    const before = await keysBesideThePreviewQueue(config.prefix);
    const preview = await requestOwnTopicPreview(
      queue,
      events,
      'blockchain tokens',
      config.ownTopics.preview.timeoutMs,
    );
    expect(OwnTopicPreviewSchema.parse(preview)).toEqual(preview);
    // Six articles in the window, the newest five considered: the three crypto ones among them;
    // the 30-day-old crypto story is outside BACKFILL_DAYS.
    expect(preview).toMatchObject({
      words: 'blockchain tokens',
      matched: 3,
      scored: 5,
      considered: 5,
      inWindow: 6,
      days: 7,
      threshold: config.ownTopics.threshold,
    });
    expect(preview.top.map((m) => m.articleId).sort()).toEqual(['pv-crypto0', 'pv-crypto1', 'pv-crypto2']);
    const scores = preview.top.map((m) => m.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    expect(preview.top.find((m) => m.articleId === 'pv-crypto0')).toMatchObject({
      title: 'Bitcoin slides below $80,000 as crypto ETF outflows mount',
      link: 'https://news.example/pv-crypto0',
      published: '2026-11-24T12:00:00.000Z',
    });
    for (const match of preview.top) expect(match.score).toBeGreaterThanOrEqual(config.ownTopics.threshold);
    expect(await keysBesideThePreviewQueue(config.prefix)).toEqual(before);
    expect(await redis.hlen(redisKeys(config.prefix).ownTopics)).toBe(0);
    expect(await queue.getJobCounts('waiting', 'active', 'completed', 'failed')).toEqual({
      waiting: 0,
      active: 0,
      completed: 0,
      failed: 0,
    });
  });

  it('answers a topic nothing matches with zero matches and an empty list', async () => {
    const preview = await requestOwnTopicPreview(queue, events, 'electric vehicles', 20_000);
    expect(preview).toMatchObject({ matched: 0, scored: 5, top: [] });
  });

  it('fails a preview job whose words are empty or too long at once, naming the field, and answers nothing', async () => {
    for (const words of ['   ', 'x'.repeat(201)]) {
      const job = await queue.add(JOB.preview, { words }, { removeOnFail: false });
      const failed = await waitFor(
        async () => ((await job.getState()) === 'failed' ? await queue.getJob(job.id ?? '') : undefined),
        { what: `the preview job of ${words.length} characters to fail` },
      );
      expect(failed?.failedReason).toMatch(/^bad preview job data: words: /);
      expect(failed?.returnvalue).toBeFalsy();
      await failed?.remove();
    }
  });
});

describe('a preview stops at its budget', () => {
  const config = testConfig({ CLASSIFY_BATCH_SIZE: '2', PREVIEW_MAX_ARTICLES: '6' });
  let store: TopicStoreReader;
  let classifier: Classifier;
  beforeAll(async () => {
    await new TopicStoreWriter(redis, config.prefix).writeRun(buildPreviewFixtureRun());
    store = new TopicStoreReader(redis, config.prefix, { labelOrder: config.zeroShot.labels });
    classifier = await startClassifier({ config, logger });
  });
  afterAll(() => classifier.close());

  it('and says how many it scored of how many it meant to', async () => {
    // A clock that reaches the deadline after the first batch of two: no timing involved.
    let ticks = 0;
    const preview = await previewOwnTopic(
      { words: 'blockchain tokens' },
      {
        model: classifier.model,
        store,
        hypothesisTemplate: config.zeroShot.hypothesisTemplate,
        batchSize: 2,
        threshold: config.ownTopics.threshold,
        days: 7,
        maxArticles: 6,
      },
      1,
      () => ticks++,
    );
    expect(preview).toMatchObject({ scored: 2, considered: 6, matched: 2 });
    // The newest two: the third crypto story was never scored.
    expect(preview.top.map((m) => m.articleId).sort()).toEqual(['pv-crypto0', 'pv-crypto1']);
  });
});

describe('a preview no classifier takes', () => {
  const config = testConfig();
  const queue = new Queue(QUEUE.preview, { connection: redis, prefix: config.prefix });
  const eventsConnection = redis.duplicate();
  const events = new QueueEvents(QUEUE.preview, { connection: eventsConnection, prefix: config.prefix });
  afterAll(async () => {
    await events.close();
    eventsConnection.disconnect();
    await queue.close();
  });

  it('is withdrawn after the budget, with an error saying no classifier took it', async () => {
    await events.waitUntilReady();
    const error = await requestOwnTopicPreview(queue, events, 'blockchain tokens', 1_000).catch((e) => e);
    expect(error).toBeInstanceOf(PreviewUnansweredError);
    expect(error).toMatchObject({ reason: 'not-taken', code: 'TIDINGS_PREVIEW_UNANSWERED' });
    expect(error.message).toMatch(/^no classifier took the preview within 1000 ms \(PREVIEW_TIMEOUT_MS\); check/);
    expect(await queue.getJobCounts('waiting', 'active')).toEqual({ waiting: 0, active: 0 });
  });
});

describe('the best matches of a preview', () => {
  it('are the ten highest scores at or above the threshold, best first, the newer first on a tie', () => {
    const articles = Array.from({ length: 14 }, (_, i) =>
      buildTopicArticle({ id: `m${i}`, published: new Date(Date.UTC(2026, 10, 1, i)).toISOString() }),
    );
    // m0..m11 match (m10 and m11 tie at 0.99); m12 and m13 fall below 0.8.
    const scores = [0.8, 0.81, 0.82, 0.83, 0.84, 0.85, 0.86, 0.87, 0.88, 0.89, 0.99, 0.99, 0.79, 0.1];
    const top = topMatches(articles, scores, 0.8);
    expect(top.map((m) => m.articleId)).toEqual(['m11', 'm10', 'm9', 'm8', 'm7', 'm6', 'm5', 'm4', 'm3', 'm2']);
    expect(top[0]).toMatchObject({ title: 'Story m11', link: 'https://news.example/m11', score: 0.99 });
    expect(topMatches(articles, scores, 0.995)).toEqual([]);
  });
});
