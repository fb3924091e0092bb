import os from 'node:os';
import { Heartbeat, recordProblem } from '@tidings/runtime';
import { DAILY_SCHEDULER_ID, JOB, QUEUE_NAMES, type QueueName, redisKeys } from '@tidings/shared';
import {
  buildFeedReport,
  buildProblem,
  buildRun,
  testPrefix,
  testRedis,
  testRedisUrl,
  waitFor,
} from '@tidings/testing';
import { TopicStoreWriter } from '@tidings/topic-store';
import { Queue } from 'bullmq';
import { afterAll, describe, expect, it } from 'vitest';
import { readStackStatus } from '../src/index.js';

/** `tidings status` and the page read this: a stack's state as it stands in a real Redis. */
const redis = testRedis();
const opened: { close(): Promise<unknown> }[] = [];
afterAll(async () => {
  for (const o of opened.reverse()) await o.close();
  await redis.quit();
});

function stack(redisUrl = testRedisUrl()) {
  const prefix = testPrefix();
  const queues = Object.fromEntries(
    QUEUE_NAMES.map((name) => [name, new Queue(name, { connection: redis, prefix })]),
  ) as Record<QueueName, Queue>;
  opened.push(...Object.values(queues));
  const store = new TopicStoreWriter(redis, prefix);
  const read = () => readStackStatus({ redis, target: redisUrl, space: prefix, queues, store });
  return { prefix, queues, store, read };
}

describe('readStackStatus', () => {
  it('reads an empty stack as empty, with no problems', async () => {
    const status = await stack().read();
    expect(status.workers).toEqual([]);
    expect(status.runs).toEqual([]);
    expect(status.nextRunAt).toBeNull();
    expect(status.problems).toEqual([]);
    expect(Object.keys(status.queues).sort()).toEqual([...QUEUE_NAMES].sort());
    for (const counts of Object.values(status.queues)) expect(Object.values(counts).every((n) => n === 0)).toBe(true);
  });

  it('never shows the Redis password', async () => {
    const status = await stack('redis://:very-secret-pass@127.0.0.1:6390').read();
    expect(status.redis).not.toContain('very-secret-pass');
    expect(status.redis).toContain('127.0.0.1:6390');
  });

  it('says articles wait with no classifier, until one beats; then lists it with its model', async () => {
    const s = stack();
    await s.queues.classify.addBulk([1, 2, 3].map((i) => ({ name: JOB.classify, data: {}, opts: { jobId: `j${i}` } })));
    const before = await s.read();
    expect(before.queues.classify?.waiting).toBe(3);
    expect(before.problems).toEqual([
      { kind: 'no-classifier', message: '3 job(s) wait in "classify" and no classifier is connected' },
    ]);
    const beat = new Heartbeat(redis, s.prefix, { name: 'tiny-nli', dtype: 'q8', loadMs: 42 });
    await beat.start();
    opened.push(beat);
    const after = await s.read();
    expect(after.workers).toEqual([
      { kind: 'classifier', host: os.hostname(), model: 'tiny-nli', dtype: 'q8', loadMs: 42 },
    ]);
    expect(after.problems).toEqual([]);
  });

  it('lists the newest runs, the feeds the last one could not read (masked) and recorded problems', async () => {
    const s = stack();
    await s.store.writeRun(buildRun({ id: 'older', startedAt: '2026-11-23T06:00:00.000Z' }));
    await s.store.writeRun(
      buildRun({
        id: 'newest',
        startedAt: '2026-11-24T06:00:00.000Z',
        feeds: [
          buildFeedReport({
            url: 'https://feeds.example/rss?apikey=k-123',
            status: 'failed',
            error: { code: 'FEED_TIMEOUT', message: 'no answer in 15 s' },
          }),
        ],
      }),
    );
    const modelDown = buildProblem({ kind: 'model-unavailable', message: 'no model', where: 'host-b' });
    await recordProblem(redis, s.prefix, 'model-unavailable:host-b', modelDown);
    const status = await s.read();
    expect(status.runs.map((r) => r.id)).toEqual(['newest', 'older']);
    expect(status.problems).toEqual([
      modelDown,
      {
        kind: 'feed-failing',
        message: 'FEED_TIMEOUT: no answer in 15 s',
        where: 'https://feeds.example/rss?apikey=****',
        since: '2026-11-24T06:00:00.000Z',
      },
    ]);
  });

  it("gives the daily schedule's next run", async () => {
    const s = stack();
    await s.queues.feeds.upsertJobScheduler(
      DAILY_SCHEDULER_ID,
      { pattern: '0 6 * * *', tz: 'UTC' },
      { name: JOB.startRun, data: { trigger: 'schedule' } },
    );
    const { nextRunAt } = await s.read();
    expect(nextRunAt).toMatch(/T06:00:00\.000Z$/);
    expect(Date.parse(nextRunAt as string)).toBeGreaterThan(Date.now());
    // The scheduler's first job waits in "feeds", and no loader is connected to take it.
    expect((await s.read()).problems.map((p) => p.kind)).toEqual(['no-loader']);
  });

  it("reports a late digest from the loaders' record of the schedule until a successful run starts after its due time", async () => {
    const s = stack();
    const graceMs = 1_000;
    // What a loader keeps (services/loader's ScheduleCatchUp): a schedule due every minute, kept for a day.
    await redis.hset(redisKeys(s.prefix).schedule, {
      cron: '* * * * *',
      tz: 'UTC',
      catchUpMaxAgeMs: 86_400_000,
      freshnessGraceMs: graceMs,
      since: Date.now() - 86_400_000,
    });
    const late = await s.read();
    expect(late.problems.map((p) => p.kind)).toEqual(['run-late']);
    expect(late.problems[0]?.message).toContain('no run has succeeded yet');
    expect(late.schedule).toMatchObject({ cron: '* * * * *', lastSuccessfulRun: null });

    // A reclassify run reads no feed: the digest is as late as before.
    const startedAt = new Date().toISOString();
    await s.store.writeRun(buildRun({ id: 'reclassify-1', trigger: 'reclassify', startedAt }));
    expect((await s.read()).problems.map((p) => p.kind)).toEqual(['run-late']);

    await s.store.writeRun(buildRun({ id: 'manual-1', trigger: 'manual', startedAt, feeds: [buildFeedReport()] }));
    const fresh = await waitFor(
      async () => {
        const status = await s.read();
        // The minute may turn meanwhile; then the run of the new minute is not yet late either.
        return status.problems.length === 0 ? status : undefined;
      },
      { what: 'the digest to be fresh' },
    );
    expect(fresh.schedule?.lastSuccessfulRun?.id).toBe('manual-1');
  });
});
