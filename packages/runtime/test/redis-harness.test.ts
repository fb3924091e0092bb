import { DEFAULT_JOB_OPTIONS, QUEUE, redisKeys } from '@tidings/shared';
import { testPrefix, testRedis, testRedisUrl, waitForJobState } from '@tidings/testing';
import { Queue, Worker } from 'bullmq';
import { afterAll, describe, expect, it } from 'vitest';
import { createRedis } from '../src/index.js';

describe('test harness', () => {
  const connection = testRedis();
  afterAll(() => connection.quit());

  it('runs a private redis-server, never the machine one', async () => {
    expect(testRedisUrl()).toMatch(/^redis:\/\/127\.0\.0\.1:\d+$/);
    expect(testRedisUrl()).not.toBe('redis://127.0.0.1:6379');
    const info = await connection.info('persistence');
    expect(info).toMatch(/aof_enabled:0/);
  });

  it('round-trips a job through a real BullMQ queue and worker', async () => {
    const prefix = testPrefix();
    const queue = new Queue(QUEUE.classify, { connection, prefix, defaultJobOptions: DEFAULT_JOB_OPTIONS.classify });
    const worker = new Worker(QUEUE.classify, async (job) => ({ echoed: job.data.n * 2 }), {
      connection: createRedis(testRedisUrl()),
      prefix,
    });
    const job = await queue.add('double', { n: 21 }, { jobId: 'round-trip' });
    const done = await waitForJobState(queue, job.id!, 'completed');
    expect(done.returnvalue).toEqual({ echoed: 42 });
    expect(await connection.keys(`${prefix}:classify:*`)).not.toHaveLength(0);
    await worker.close();
    await queue.close();
  });

  it('namespaces its own keys under the prefix', () => {
    const keys = redisKeys('px');
    expect(keys.seenArticle('a1')).toBe('px:seen:a1');
    expect(keys.topicsChannel).toBe('px:topics');
  });
});
