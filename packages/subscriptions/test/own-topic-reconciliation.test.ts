import { DEFAULT_LABELS, ownTopicId, redisKeys } from '@tidings/shared';
import { testPrefix, testRedis } from '@tidings/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_OWN_TOPIC_LIMITS, OwnTopicCeilingError, SubscriptionStore } from '../src/index.js';

const labels = DEFAULT_LABELS.split(',');
const redis = testRedis();
afterAll(() => redis.quit());

const DEAD = 'sub-0000000000000000';

describe('reconciling the own-topic registry with the subscriptions', () => {
  it('removes orphans, adds missing registrations, corrects subscriber sets, and says so', async () => {
    const prefix = testPrefix();
    const keys = redisKeys(prefix);
    const fresh: string[][] = [];
    const store = new SubscriptionStore(redis, prefix, {
      labels,
      ownTopics: { ...DEFAULT_OWN_TOPIC_LIMITS, ceiling: 3 },
      onNewOwnTopics: async (ids) => {
        fresh.push(ids);
      },
    });
    const ann = await store.create({ name: 'Ann', ownTopics: ['lithium', 'electric vehicles'] });
    const bo = await store.create({ name: 'Bo', ownTopics: ['Lithium'] });
    fresh.length = 0;
    const [lithium, ev, orphan, bare] = ['lithium', 'electric vehicles', 'orphan words', 'bare orphan'].map(ownTopicId);
    // Written directly, as an older version's races or a hand edit left them.
    await redis.hset(keys.ownTopics, orphan!, 'orphan words', bare!, 'bare orphan');
    await redis.sadd(keys.ownTopicSubscribers(orphan!), DEAD);
    await redis.hdel(keys.ownTopics, ev!);
    await redis.del(keys.ownTopicSubscribers(ev!));
    await redis.srem(keys.ownTopicSubscribers(lithium!), bo.id);
    await redis.sadd(keys.ownTopicSubscribers(lithium!), DEAD);
    // The orphans fill the ceiling: a newcomer is refused until the registry is repaired.
    await expect(store.create({ name: 'Cy', ownTopics: ['copper'] })).rejects.toThrow(OwnTopicCeilingError);

    const repair = await store.reconcileOwnTopics();
    expect(repair).toEqual({
      orphansRemoved: expect.arrayContaining([
        { id: orphan, words: 'orphan words' },
        { id: bare, words: 'bare orphan' },
      ]),
      missingAdded: [{ id: ev, words: 'electric vehicles' }],
      // Lithium's set: the dead id out, Bo in; electric vehicles': Ann in; the orphan's: the dead id out.
      holdersFixed: 4,
    });
    expect(repair.orphansRemoved).toHaveLength(2);
    expect(await redis.hgetall(keys.ownTopics)).toEqual({ [lithium!]: 'lithium', [ev!]: 'electric vehicles' });
    expect((await redis.smembers(keys.ownTopicSubscribers(lithium!))).sort()).toEqual([ann.id, bo.id].sort());
    expect(await redis.smembers(keys.ownTopicSubscribers(ev!))).toEqual([ann.id]);
    expect(await redis.exists(keys.ownTopicSubscribers(orphan!))).toBe(0);
    // A topic registered again is backfilled like a new one: its matches were never computed.
    expect(fresh).toEqual([[ev]]);

    expect(await store.reconcileOwnTopics()).toEqual({ orphansRemoved: [], missingAdded: [], holdersFixed: 0 });
    const cy = await store.create({ name: 'Cy', ownTopics: ['copper'] });
    expect(cy.ownTopics).toEqual(['copper']);
  });

  it('counts an unreadable record as holding nothing, and leaves an empty registry empty', async () => {
    const prefix = testPrefix();
    const store = new SubscriptionStore(redis, prefix, { labels });
    expect(await store.reconcileOwnTopics()).toEqual({ orphansRemoved: [], missingAdded: [], holdersFixed: 0 });
    await redis.set(`${prefix}:subscription:${DEAD}`, '{not json');
    await redis.sadd(`${prefix}:subscriptions`, DEAD);
    await redis.hset(redisKeys(prefix).ownTopics, ownTopicId('kept by no one'), 'kept by no one');
    await redis.sadd(redisKeys(prefix).ownTopicSubscribers(ownTopicId('kept by no one')), DEAD);
    expect(await store.reconcileOwnTopics()).toEqual({
      orphansRemoved: [{ id: ownTopicId('kept by no one'), words: 'kept by no one' }],
      missingAdded: [],
      holdersFixed: 1,
    });
    expect(await redis.exists(redisKeys(prefix).ownTopics)).toBe(0);
  });
});
