import { type FeedbackExample, feedbackExampleId, feedbackReaderId } from '@tidings/shared';
import { testPrefix, testRedis, testRedisUrl, waitFor } from '@tidings/testing';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { FeedbackStore } from '../src/index.js';

const redis = testRedis();
afterAll(() => redis.quit());

const ann = feedbackReaderId('feed-key', 'ann-feed-key');
const bob = feedbackReaderId('feed-key', 'bob-feed-key');

function vote(reader: string, articleId: string, verdict: 'not-about' | string, at: string): FeedbackExample {
  return {
    id: feedbackExampleId(reader, articleId, 'label', 'Stock'),
    articleId,
    title: `SEC fines a trading firm (${articleId})`,
    summary: 'The regulator said the firm misled clients.',
    scores: { Stock: 0.7, SEC: 0.2, Other: 0.1 },
    source: 'api',
    reader,
    at,
    kind: 'label',
    topic: 'Stock',
    label: 'Stock',
    verdict: verdict === 'not-about' ? { type: 'not-about' } : { type: 'belongs-in', label: verdict },
  };
}

function store(limits = { perReader: 100, total: 1000 }) {
  return new FeedbackStore(redis, testPrefix(), limits);
}

describe('FeedbackStore', () => {
  it("replaces a reader's earlier verdict on the same article and topic, and keeps other readers' apart", async () => {
    const feedback = store();
    expect(await feedback.record(vote(ann, 'a1', 'not-about', '2026-12-01T10:00:00.000Z'))).toEqual({
      replaced: false,
      dropped: 0,
    });
    expect((await feedback.record(vote(ann, 'a1', 'Stock', '2026-12-01T10:05:00.000Z'))).replaced).toBe(true);
    await feedback.record(vote(bob, 'a1', 'SEC', '2026-12-01T10:06:00.000Z'));
    const all = await feedback.list();
    expect(all).toHaveLength(2);
    expect(all.map((e) => (e.kind === 'label' ? e.verdict : null))).toEqual([
      { type: 'belongs-in', label: 'Stock' },
      { type: 'belongs-in', label: 'SEC' },
    ]);
    expect(await feedback.topicStats()).toEqual([
      { kind: 'label', topic: 'Stock', examples: 2, agree: 1, accuracy: 0.5 },
    ]);
  });

  it("drops a reader's oldest verdicts past their limit and everyone's oldest past the total, counts following", async () => {
    const feedback = store({ perReader: 3, total: 5 });
    for (let i = 0; i < 5; i++) await feedback.record(vote(ann, `ann${i}`, 'not-about', `2026-12-01T10:0${i}:00.000Z`));
    expect((await feedback.list()).map((e) => e.articleId)).toEqual(['ann2', 'ann3', 'ann4']);
    for (let i = 0; i < 3; i++) await feedback.record(vote(bob, `bob${i}`, 'Stock', `2026-12-01T11:0${i}:00.000Z`));
    expect((await feedback.list()).map((e) => e.articleId)).toEqual(['ann3', 'ann4', 'bob0', 'bob1', 'bob2']);
    expect(await feedback.count()).toBe(5);
    expect(await feedback.topicStats()).toEqual([
      { kind: 'label', topic: 'Stock', examples: 5, agree: 3, accuracy: 0.6 },
    ]);
  });

  it('refuses an example that does not match the schema, naming the field, and stores nothing', async () => {
    const feedback = store();
    const bad = { ...vote(ann, 'a1', 'not-about', '2026-12-01T10:00:00.000Z'), reader: 'the-raw-feed-key' };
    await expect(feedback.record(bad)).rejects.toThrow(/reader/);
    expect(await feedback.count()).toBe(0);
  });

  it('records a vote in one command sent to Redis, the script doing the rest inside', async () => {
    const connection = new Redis(testRedisUrl());
    const feedback = new FeedbackStore(connection, testPrefix(), { perReader: 100, total: 1000 });
    try {
      await feedback.record(vote(ann, 'warm', 'Stock', '2026-12-01T09:00:00.000Z')); // loads the script
      const addr = String(await connection.client('INFO')).match(/addr=(\S+)/)?.[1] ?? '';
      const monitor = await new Redis(testRedisUrl()).monitor();
      const sent: string[] = [];
      monitor.on('monitor', (_time: string, args: string[], source: string) => {
        if (source.endsWith(addr)) sent.push(String(args[0]).toLowerCase());
      });
      await feedback.record(vote(ann, 'one', 'not-about', '2026-12-01T10:00:00.000Z'));
      await connection.ping('end');
      await waitFor(() => sent.includes('ping'), { what: 'the PING after the vote in MONITOR' });
      monitor.disconnect();
      expect(sent).toEqual(['evalsha', 'ping']);
    } finally {
      connection.disconnect();
    }
  });
});
