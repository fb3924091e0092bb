import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createLogger } from '@tidings/runtime';
import { keySpaceOf, QUEUE, type Run, RunFinishedMessageSchema, redisKeys } from '@tidings/shared';
import {
  addRunFlow,
  buildArticle,
  buildFeedReport,
  buildRunManifest,
  testConfig,
  testRedis,
  testSubscriber,
  waitFor,
} from '@tidings/testing';
import { OwnTopicMatches, TopicStoreWriter } from '@tidings/topic-store';
import { type Job, Queue } from 'bullmq';
import { afterAll, describe, expect, it } from 'vitest';
import { type FinaliseDeps, finaliseRun } from '../src/finalise-run.js';

/** finaliseRun on its own, against real Redis and real BullMQ parent jobs: a run written once, whatever repeats. */
const config = testConfig();
const redis = testRedis();
// A subscriber connection (no ready check): with testRedis() a SUBSCRIBE that lands during the
// handshake was answered, then the connection was dropped and came back unsubscribed.
const listener = testSubscriber();
const keys = redisKeys(config.prefix);
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tidings-finalise-'));
const aggregate = new Queue(QUEUE.aggregate, { connection: redis, prefix: config.prefix });
const store = new TopicStoreWriter(redis, config.prefix, { labelOrder: config.zeroShot.labels });
const queuedFor: string[] = [];
const deps: FinaliseDeps = {
  store,
  ownTopicMatches: new OwnTopicMatches(redis, config.prefix),
  ownTopicThreshold: config.ownTopics.threshold,
  retentionMs: 86_400_000,
  redis,
  space: keySpaceOf(config),
  dataDir,
  windowHours: 24,
  labelOrder: config.zeroShot.labels,
  logger: createLogger('finalise-test', { level: 'silent' }),
  queueDeliveries: async (run: Run) => {
    queuedFor.push(run.id);
    return 0;
  },
};
const messages: unknown[] = [];

afterAll(async () => {
  await aggregate.close();
  await listener.quit();
  await redis.quit();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('finaliseRun', () => {
  it('writes the run once, drops its working copies, and repeats only the snapshot, notice and deliveries', async () => {
    await listener.subscribe(keys.topicsChannel);
    listener.on('message', (_channel, text) => messages.push(RunFinishedMessageSchema.parse(JSON.parse(text))));
    const runId = 'finalise-once';
    const feeds = ['https://a.example/rss'];
    // A run whose only article never got classified: finalised all the same, the article counted as failed.
    await addRunFlow(
      redis,
      config.prefix,
      runId,
      [{ article: buildArticle({ id: 'a1', title: 'Waiting' }), opts: { delay: 3_600_000 } }],
      { feeds },
    );
    await redis.hset(keys.runFeeds(runId), '0', JSON.stringify(buildFeedReport({ url: feeds[0], kept: 1 })));
    const job = (await aggregate.getJob(runId)) as Job;
    const manifest = buildRunManifest({ runId, feeds });

    const first = await finaliseRun(job, manifest, deps);
    expect(first.written).toBe(true);
    expect(first.run).toMatchObject({ id: runId, finalisedBy: 'aggregator', counts: { new: 1, failed: 1 } });
    expect(await store.run(runId)).toEqual(first.run);
    expect(await redis.exists(keys.runArticles(runId), keys.runFeeds(runId))).toBe(0);
    const snapshot = path.join(dataDir, 'runs', `${runId}.json`);
    expect(JSON.parse(fs.readFileSync(snapshot, 'utf8')).run).toEqual(first.run);

    // A retry (the job's lock lost after the write, or a second aggregator): nothing is collected
    // again, the record stays the first one, and what may have been lost is repeated.
    fs.rmSync(snapshot);
    const again = await finaliseRun(job, manifest, deps);
    expect(again).toEqual({ run: first.run, written: false });
    expect(JSON.parse(fs.readFileSync(snapshot, 'utf8')).run).toEqual(first.run);
    expect(queuedFor).toEqual([runId, runId]);
    await waitFor(() => messages.length >= 2, { what: 'the two run-finished messages' });
    expect(messages).toEqual([
      { type: 'run-finished', runId, counts: first.run.counts },
      { type: 'run-finished', runId, counts: first.run.counts },
    ]);
  });

  it("records the watchdog's reason when it finalises a run", async () => {
    const runId = 'finalise-watchdog';
    await addRunFlow(redis, config.prefix, runId, [
      { article: buildArticle({ id: 'w1', title: 'Never classified' }), opts: { delay: 3_600_000 } },
    ]);
    const job = (await aggregate.getJob(runId)) as Job;
    const reason = 'run did not finish within RUN_TIMEOUT_MINUTES (1); 1 article(s) never finished';
    const { run, written } = await finaliseRun(job, buildRunManifest({ runId }), deps, { reason });
    expect(written).toBe(true);
    expect(run).toMatchObject({ finalisedBy: 'watchdog', reason });
    expect(run.failures).toEqual([{ articleId: 'w1', title: 'Never classified', reason }]);
  });
});
