import { ownTopicId } from '@tidings/shared';
import { testPrefix, testRedis } from '@tidings/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { OwnTopicMatches } from '../src/own-topic-matches.js';

const redis = testRedis();
afterAll(() => redis.quit());

const ev = ownTopicId('electric vehicles');
const fed = ownTopicId('fed rates');
const at = (day: number) => Date.parse(`2026-11-${String(day).padStart(2, '0')}T12:00:00Z`);

describe('OwnTopicMatches', () => {
  it('merges the newest matches of several topics, newest first, each with its topic and score', async () => {
    const matches = new OwnTopicMatches(redis, testPrefix());
    await matches.add(ev, [
      { articleId: 'a1', published: at(1), score: 0.91 },
      { articleId: 'a3', published: at(3), score: 0.95 },
    ]);
    await matches.add(fed, [{ articleId: 'a2', published: at(2), score: 0.82 }]);
    // A repeated step (a retried page or backfill batch) changes nothing.
    await matches.add(fed, [{ articleId: 'a2', published: at(2), score: 0.82 }]);
    expect(await matches.newest([ev, fed], 2)).toEqual([
      { topicId: ev, articleId: 'a3', published: at(3), score: 0.95 },
      { topicId: fed, articleId: 'a2', published: at(2), score: 0.82 },
    ]);
    expect(await matches.countsSince([ev, fed], at(2))).toEqual({ [ev]: 1, [fed]: 1 });
  });

  it('keeps every score a backfill computed, and prunes matches and scores before the cutoff', async () => {
    const matches = new OwnTopicMatches(redis, testPrefix());
    const scored = [
      { articleId: 'old', published: at(1), score: 0.2 },
      { articleId: 'new', published: at(9), score: 0.9 },
    ];
    await matches.add(ev, scored.slice(1), scored);
    expect(await matches.scores(ev, ['old', 'new', 'none'])).toEqual([0.2, 0.9, undefined]);
    expect(await matches.prune(new Date(at(5)))).toBe(0);
    expect(await matches.scores(ev, ['old', 'new'])).toEqual([undefined, 0.9]);
    await matches.add(ev, [{ articleId: 'mid', published: at(6), score: 0.85 }]);
    expect(await matches.prune(new Date(at(8)))).toBe(1);
    expect((await matches.newest([ev], 10)).map((m) => m.articleId)).toEqual(['new']);
  });

  it("keeps a run's record for its retention, and reads a missing or unreadable one as nothing found", async () => {
    const prefix = testPrefix();
    const matches = new OwnTopicMatches(redis, prefix);
    await matches.writeRun('run-1', { [ev]: { count: 3, articleIds: ['a1'] } }, 60_000);
    expect(await matches.run('run-1')).toEqual({ [ev]: { count: 3, articleIds: ['a1'] } });
    expect(await redis.pttl(`${prefix}:store:own-run:run-1`)).toBeGreaterThan(50_000);
    await redis.set(`${prefix}:store:own-run:run-2`, '{"not an id":{}}');
    expect(await matches.run('run-2')).toEqual({});
    expect(await matches.run('run-3')).toEqual({});
  });

  it('refuses a topic id that is not one (it would name a key)', async () => {
    const matches = new OwnTopicMatches(redis, testPrefix());
    await expect(matches.add('../etc', [])).rejects.toThrow(RangeError);
    await expect(matches.newest(['*'], 1)).rejects.toThrow("not an own-topic id: '*'");
  });
});
