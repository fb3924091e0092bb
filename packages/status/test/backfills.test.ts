import { queueBackfills } from '@tidings/run-requests';
import { JOB, ownTopicId, QUEUE, QUEUE_NAMES, type QueueName, redisKeys } from '@tidings/shared';
import { testPrefix, testRedis, testRedisUrl } from '@tidings/testing';
import { TopicStoreReader } from '@tidings/topic-store';
import { Queue } from 'bullmq';
import { afterAll, describe, expect, it } from 'vitest';
import { readStackStatus } from '../src/read-stack-status.js';

const redis = testRedis();

describe('the status of own-topic backfills', () => {
  const prefix = testPrefix();
  const queues = Object.fromEntries(
    QUEUE_NAMES.map((name) => [name, new Queue(name, { connection: redis, prefix })]),
  ) as Record<QueueName, Queue>;
  afterAll(async () => {
    for (const q of Object.values(queues)) await q.close();
    await redis.quit();
  });

  it('lists each waiting backfill with the words asked and the progress its job reported', async () => {
    const lithium = ownTopicId('lithium mines');
    const ev = ownTopicId('electric vehicles');
    await redis.hset(redisKeys(prefix).ownTopics, lithium, 'Lithium mines', ev, 'electric vehicles');
    await queueBackfills(queues.backfill, [lithium, ev]);
    const [first] = (await queues.backfill.getWaiting()).filter((j) => j.data.topicId === lithium);
    await first?.updateProgress({ done: 100, total: 250, matched: 4 });
    // A job on the queue that is not a backfill (written by hand) is left out, not shown half-read.
    await queues.backfill.add(JOB.backfill, { topicId: 'nope' });

    const status = await readStackStatus({
      redis,
      target: testRedisUrl(),
      space: prefix,
      queues,
      store: new TopicStoreReader(redis, prefix),
    });
    expect(status.backfills.sort((a, b) => a.topic.localeCompare(b.topic))).toEqual([
      { topicId: ev, topic: 'electric vehicles', state: 'waiting', done: 0, total: 0, matched: 0 },
      { topicId: lithium, topic: 'Lithium mines', state: 'waiting', done: 100, total: 250, matched: 4 },
    ]);
    expect(status.queues[QUEUE.backfill]?.waiting).toBe(3);
  });
});
