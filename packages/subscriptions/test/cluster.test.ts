import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRedis, type RedisConnection } from '@tidings/runtime';
import { DEFAULT_LABELS, keySpaceOf, loadConfig, ownTopicId, redisKeys } from '@tidings/shared';
import { type ClusterSetup, startClusterSetup, testPrefix } from '@tidings/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SubscriptionStore } from '../src/index.js';

/** Every change is one script over a record, the ids, the index and the registry: a CROSSSLOT error fails it. */
describe('the subscription store on a Redis Cluster', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tidings-subscriptions-cluster-'));
  let cluster: ClusterSetup;
  let redis: RedisConnection;

  beforeAll(async () => {
    cluster = await startClusterSetup(dir);
  }, 60_000);
  afterAll(async () => {
    redis?.disconnect();
    await cluster?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('creates, swaps own topics in parallel, rotates, removes and reconciles within one slot', async () => {
    const config = loadConfig({ ...cluster.env, TIDINGS_PREFIX: testPrefix(), LOG_LEVEL: 'silent' });
    const space = keySpaceOf(config);
    redis = createRedis(config.redis);
    const store = new SubscriptionStore(redis, space, { labels: DEFAULT_LABELS.split(',') });
    const ann = await store.create({ name: 'Ann', ownTopics: ['lithium', 'copper'] });
    const bo = await store.create({ name: 'Bo', topics: ['Crypto'], ownTopics: ['lithium'] });
    await Promise.all(Array.from({ length: 8 }, (_, i) => store.update(ann.id, { ownTopics: [`metal ${i}`] })));
    await store.rotateKey(bo.id);
    expect(await store.remove(ann.id)).toBe(true);
    expect(await store.reconcileOwnTopics()).toEqual({ orphansRemoved: [], missingAdded: [], holdersFixed: 0 });
    const keys = redisKeys(space);
    expect(keys.ownTopics).toBe(`{${config.prefix}:subscriptions}:own-topics`);
    expect(await redis.hgetall(keys.ownTopics)).toEqual({ [ownTopicId('lithium')]: 'lithium' });
    expect(await redis.smembers(keys.ownTopicSubscribers(ownTopicId('lithium')))).toEqual([bo.id]);
  }, 60_000);
});
