import {
  BadJobError,
  JOB,
  ownTopicId,
  QUEUE,
  ReclassifyRequestError,
  type ReclassifySelection,
  RunRequestJobSchema,
  selectStoredJobId,
} from '@tidings/shared';
import { testPrefix, testRedis } from '@tidings/testing';
import { Queue } from 'bullmq';
import { afterAll, describe, expect, it } from 'vitest';
import { queueBackfills, readRunProgress, requestReclassify, requestRun } from '../src/index.js';

const redis = testRedis();
const prefix = testPrefix();
const queue = (name: string) => new Queue(name, { connection: redis, prefix });
const runRequests = queue(QUEUE.runRequests);
const aggregate = queue(QUEUE.aggregate);
const backfill = queue(QUEUE.backfill);

afterAll(async () => {
  for (const q of [runRequests, aggregate, backfill]) await q.close();
  await redis.quit();
});

describe('requestRun', () => {
  it('adds one start-run job named by the run id it returns, which a loader would accept', async () => {
    const runId = await requestRun(runRequests, { feeds: ['https://news.example/rss'] });
    const job = await runRequests.getJob(runId);
    expect(job?.name).toBe(JOB.startRun);
    expect(RunRequestJobSchema.parse(job?.data)).toEqual({
      trigger: 'manual',
      feeds: ['https://news.example/rss'],
      reclassify: false,
    });
  });

  it('refuses, adding nothing, a request for a local file that no host key signed', async () => {
    const before = await runRequests.count();
    const error = await requestRun(runRequests, { feeds: ['file:///etc/passwd'] }).catch((e) => e);
    expect(error).toBeInstanceOf(BadJobError);
    expect(error.message).toContain('feeds');
    expect(await runRequests.count()).toBe(before);
  });

  it('refuses a queue other than the run requests', async () => {
    await expect(requestRun(aggregate)).rejects.toThrow(`needs the "${QUEUE.runRequests}" queue`);
  });
});

describe('requestReclassify and readRunProgress', () => {
  const selection: ReclassifySelection = {
    since: '2026-11-01T00:00:00.000Z',
    until: '2026-11-30T00:00:00.000Z',
    dryRun: true,
  };

  it('start one reclassify run at a time, whose progress reads back before anything is classified', async () => {
    expect(await readRunProgress(aggregate, redis, 'no-such-run')).toBeNull();
    const runId = await requestReclassify(aggregate, redis, prefix, selection);
    expect(await queue(QUEUE.reclassify).getJob(selectStoredJobId(runId))).toBeDefined();
    expect(await readRunProgress(aggregate, redis, runId)).toMatchObject({
      runId,
      state: 'waiting-children',
      classified: 0,
      failed: 0,
      total: 0,
      feeds: 1,
      feedsRead: 0,
    });
    const second = await requestReclassify(aggregate, redis, prefix, selection).catch((e) => e);
    expect(second).toBeInstanceOf(ReclassifyRequestError);
    expect(second.message).toContain(runId);
  });
});

describe('queueBackfills', () => {
  it('queues one backfill a topic, and none for a topic whose backfill still waits', async () => {
    const lithium = ownTopicId('lithium mines');
    const ev = ownTopicId('electric vehicles');
    await queueBackfills(backfill, [lithium], 1);
    await queueBackfills(backfill, [lithium, ev], 2);
    const waiting = await backfill.getWaiting();
    expect(waiting.map((job) => job.data.topicId).sort()).toEqual([lithium, ev].sort());
  });
});
