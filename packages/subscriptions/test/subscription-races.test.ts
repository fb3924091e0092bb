import { DEFAULT_LABELS, ownTopicId, redisKeys } from '@tidings/shared';
import { testPrefix, testRedis } from '@tidings/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_OWN_TOPIC_LIMITS, SubscriptionStore } from '../src/index.js';
import { subscriptionKeys } from '../src/keys.js';

const labels = DEFAULT_LABELS.split(',');
// Several connections, as several dashboard replicas and the CLI have.
const connections = [testRedis(), testRedis(), testRedis()];
const [redis] = connections as [ReturnType<typeof testRedis>];
afterAll(() => Promise.all(connections.map((c) => c.quit())));

function setup(ceiling = DEFAULT_OWN_TOPIC_LIMITS.ceiling) {
  const prefix = testPrefix();
  const stores = connections.map(
    (connection) =>
      new SubscriptionStore(connection, prefix, { labels, ownTopics: { ...DEFAULT_OWN_TOPIC_LIMITS, ceiling } }),
  );
  const [store] = stores as [SubscriptionStore];
  const shared = redisKeys(prefix);
  /** The registry and every subscriber set in Redis, as topic id → [words, sorted subscription ids]. */
  const registered = async () => {
    const registry = await redis.hgetall(shared.ownTopics);
    const sets = await redis.keys(shared.ownTopicSubscribers('*'));
    const ids = new Set([...Object.keys(registry), ...sets.map((key) => key.slice(key.lastIndexOf(':') + 1))]);
    const entries = await Promise.all(
      [...ids].map(async (id) => [id, [registry[id], (await redis.smembers(shared.ownTopicSubscribers(id))).sort()]]),
    );
    return Object.fromEntries(entries);
  };
  /** What the records say the registry should be, in the same shape. */
  const fromRecords = async () => {
    const held: Record<string, [string, string[]]> = {};
    for (const sub of await store.list())
      for (const words of sub.ownTopics) {
        const id = ownTopicId(words);
        held[id] = [held[id]?.[0] ?? words, [...(held[id]?.[1] ?? []), sub.id]];
      }
    for (const entry of Object.values(held)) entry[1].sort();
    return held;
  };
  return { prefix, stores, store, registered, fromRecords };
}

/** Parallel PATCHes of one subscription, each swapping its own topics for others, round after round. */
async function swapInParallel(stores: SubscriptionStore[], id: string, rounds: number, parallel: number) {
  const outcomes: PromiseSettledResult<unknown>[] = [];
  for (let round = 0; round < rounds; round++)
    outcomes.push(
      ...(await Promise.allSettled(
        Array.from({ length: parallel }, (_, i) =>
          stores[i % stores.length]?.update(id, { ownTopics: [`round ${round} topic ${i}`] }),
        ),
      )),
    );
  return outcomes;
}

describe('the subscription store under parallel changes', () => {
  it('leaves no orphaned own topic after 20 parallel swaps × 5 rounds and a delete', async () => {
    const { stores, store, registered, fromRecords } = setup();
    const steady = await store.create({ name: 'Steady', ownTopics: ['round 0 topic 3', 'steady words'] });
    const racer = await store.create({ name: 'Racer', ownTopics: ['first words'] });
    const outcomes = await swapInParallel(stores, racer.id, 5, 20);
    expect(outcomes.filter((o) => o.status === 'rejected')).toEqual([]);
    expect(await registered()).toEqual(await fromRecords());
    expect(Object.keys(await registered())).toHaveLength(3);

    expect(await store.remove(racer.id)).toBe(true);
    expect(await registered()).toEqual({
      [ownTopicId('round 0 topic 3')]: ['round 0 topic 3', [steady.id]],
      [ownTopicId('steady words')]: ['steady words', [steady.id]],
    });
  }, 60_000);

  it('takes a newcomer after the race: the ceiling counts only topics someone has', async () => {
    const { stores, store, registered, fromRecords } = setup(20);
    const racer = await store.create({ name: 'Racer', ownTopics: ['first words'] });
    const outcomes = await swapInParallel(stores, racer.id, 3, 20);
    await store.remove(racer.id);
    const topics = Array.from({ length: 10 }, (_, i) => `newcomer topic ${i}`);
    const newcomer = await store.create({ name: 'Newcomer', ownTopics: topics });
    expect(newcomer.ownTopics).toEqual(topics);
    // Each swap frees the topic it replaces in the same step, so none was refused on the way either.
    expect(outcomes.filter((o) => o.status === 'rejected')).toEqual([]);
    expect(await registered()).toEqual(await fromRecords());
    expect(Object.keys(await registered())).toHaveLength(10);
  }, 60_000);

  it('never writes back a subscription that an update raced with its removal (30 tries)', async () => {
    const { prefix, stores, store, registered } = setup();
    const keys = subscriptionKeys(prefix);
    const [first, second] = stores as [SubscriptionStore, SubscriptionStore];
    const revived: string[] = [];
    for (let i = 0; i < 30; i++) {
      const sub = await store.create({ name: `Try ${i}`, topics: ['Crypto'], ownTopics: [`try ${i} before`] });
      // Half on one connection (the removal's commands go first), half on two.
      const remover = i % 2 === 0 ? first : second;
      const [removed, updated] = await Promise.all([
        remover.remove(sub.id),
        first.update(sub.id, { name: `Try ${i} renamed`, ownTopics: [`try ${i} after`] }),
      ]);
      expect(removed).toBe(true);
      if (updated !== null) expect(updated.name).toBe(`Try ${i} renamed`);
      const left = [
        await redis.exists(keys.subscription(sub.id)),
        await redis.sismember(keys.all, sub.id),
        await redis.exists(keys.byFeedKey(sub.feedKey)),
      ];
      if (left.some((n) => n > 0)) revived.push(`try ${i}: ${left.join(',')}`);
    }
    expect(revived).toEqual([]);
    expect(await store.list()).toEqual([]);
    expect(await registered()).toEqual({});
  }, 60_000);

  it('answers an update of a removed subscription with not-found and writes nothing', async () => {
    const { prefix, store, registered } = setup();
    const sub = await store.create({ name: 'Gone', ownTopics: ['gone words'] });
    await store.remove(sub.id);
    expect(await store.update(sub.id, { ownTopics: ['new words'] })).toBeNull();
    expect(await redis.keys(`${prefix}:*`)).toEqual([]);
    expect(await registered()).toEqual({});
  });

  it('keeps the registry what the records say when a reconciliation runs among parallel swaps', async () => {
    const { stores, store, registered, fromRecords } = setup();
    const racer = await store.create({ name: 'Racer', ownTopics: ['first words'] });
    const [outcomes] = await Promise.all([
      swapInParallel(stores, racer.id, 2, 10),
      store.reconcileOwnTopics(),
      stores[1]?.reconcileOwnTopics(),
    ]);
    expect(outcomes.filter((o) => o.status === 'rejected')).toEqual([]);
    expect(await registered()).toEqual(await fromRecords());
  }, 60_000);
});
