import { createHash } from 'node:crypto';
import { type LuaCommand, type OwnTopicRepair, ownTopicId, type RedisKeys } from '@tidings/shared';
import type { Cluster, Redis } from 'ioredis';
import type { subscriptionKeys } from './keys.js';
import { readRecord } from './subscription-record.js';

/** The reconcile script's answer: {1, holders fixed, orphans, added} (flat id, words lists), or {-1}. */
export type ReconcileCommand = LuaCommand<[number, number?, string[]?, string[]?]>;

const registered = (flat: string[] = []) =>
  Array.from({ length: flat.length / 2 }, (_, i) => ({ id: flat[2 * i] ?? '', words: flat[2 * i + 1] ?? '' }));

/**
 * Reads every record and the registry, works out which subscriptions hold which own topic,
 * and has the script make the registry and the subscriber sets say exactly that. Null when
 * a record, the ids or the registry changed between the reads and the script, which then
 * changed nothing.
 */
export async function reconcileOwnTopics(
  redis: Redis | Cluster,
  keys: ReturnType<typeof subscriptionKeys>,
  sharedKeys: RedisKeys,
  command: ReconcileCommand,
): Promise<OwnTopicRepair | null> {
  const ids = (await redis.smembers(keys.all)).sort();
  const records = await Promise.all(ids.map((id) => redis.getBuffer(keys.subscription(id))));
  const registry = await redis.hgetall(sharedKeys.ownTopics);
  const topics = new Map(Object.entries(registry).map(([id, words]) => [id, { words, holders: new Set<string>() }]));
  ids.forEach((id, i) => {
    const raw = records[i];
    for (const words of (raw && readRecord(raw).subscription?.ownTopics) || []) {
      const topicId = ownTopicId(words);
      const topic = topics.get(topicId) ?? { words, holders: new Set<string>() };
      topic.holders.add(id);
      topics.set(topicId, topic);
    }
  });
  const digest = (raw: Buffer | null) => (raw ? createHash('sha1').update(raw).digest('hex') : '');
  const [status, holdersFixed = 0, orphans, added] = await command(
    [
      keys.all,
      sharedKeys.ownTopics,
      ...ids.map(keys.subscription),
      ...[...topics.keys()].map(sharedKeys.ownTopicSubscribers),
    ],
    [
      ids.length,
      ...ids.flatMap((id, i) => [id, digest(records[i] ?? null)]),
      topics.size,
      ...[...topics].flatMap(([id, { words, holders }]) => [id, words, holders.size, ...holders]),
    ],
  );
  if (Number(status) !== 1) return null;
  return { orphansRemoved: registered(orphans), missingAdded: registered(added), holdersFixed: Number(holdersFixed) };
}
