import { FEED_KEY_PATTERN, SUBSCRIPTION_ID_PATTERN } from '@tidings/shared';
import { buildSubscriber, testPrefix, testRedis } from '@tidings/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { UnknownTopicError } from '../src/errors/unknown-topic-error.js';
import { SubscriptionStore } from '../src/index.js';
import { subscriptionKeys } from '../src/keys.js';

const redis = testRedis();
afterAll(() => redis.quit());

function store() {
  const prefix = testPrefix();
  return {
    prefix,
    keys: subscriptionKeys(prefix),
    subs: new SubscriptionStore(redis, prefix, { labels: ['Crypto', 'IPO', 'Stock'] }),
  };
}

describe('SubscriptionStore', () => {
  it('keeps two identical sign-ups apart: their own ids and feed keys, and each topic once', async () => {
    const { subs } = store();
    const input = buildSubscriber({ name: 'Ann', topics: ['Crypto', 'IPO', 'Crypto'], email: 'ann@example.com' });
    const first = await subs.create(input);
    const second = await subs.create(input);
    expect(first.id).toMatch(SUBSCRIPTION_ID_PATTERN);
    expect(first.feedKey).toMatch(FEED_KEY_PATTERN);
    expect(second.id).not.toBe(first.id);
    expect(second.feedKey).not.toBe(first.feedKey);
    expect(first.topics).toEqual(['Crypto', 'IPO']);
    expect((await subs.list()).map((s) => s.id).sort()).toEqual([first.id, second.id].sort());
    expect((await subs.byFeedKey(second.feedKey))?.id).toBe(second.id);
  });

  it('refuses a topic that is not a configured label, naming it and the choices, and stores nothing', async () => {
    const { subs, prefix } = store();
    const error = await subs.create(buildSubscriber({ topics: ['Crypto', 'Gold'] })).catch((e) => e);
    expect(error).toBeInstanceOf(UnknownTopicError);
    expect(error.code).toBe('TIDINGS_UNKNOWN_TOPIC');
    expect(error.message).toBe("no topic 'Gold'; choose among the configured labels: Crypto, IPO, Stock");
    expect(await redis.keys(`${prefix}:*`)).toEqual([]);

    const ann = await subs.create(buildSubscriber({ topics: ['Crypto'] }));
    await expect(subs.update(ann.id, { topics: ['Stock', 'Bonds'] })).rejects.toThrow(UnknownTopicError);
    expect((await subs.get(ann.id))?.topics).toEqual(['Crypto']);
  });

  it('rotates a feed key: the new key opens the feed, the old one nothing, at once', async () => {
    const { subs } = store();
    const ann = await subs.create(buildSubscriber());
    const rotated = await subs.rotateKey(ann.id);
    expect(rotated?.feedKey).toMatch(FEED_KEY_PATTERN);
    expect(rotated?.feedKey).not.toBe(ann.feedKey);
    expect(await subs.byFeedKey(ann.feedKey)).toBeNull();
    expect((await subs.byFeedKey(rotated?.feedKey as string))?.id).toBe(ann.id);
    expect(await subs.rotateKey('sub-0000000000000000')).toBeNull();
  });

  it('never opens a feed through an index entry whose subscription has another key now', async () => {
    const { subs, keys } = store();
    const ann = await subs.create(buildSubscriber());
    // The record restored from an older copy by hand, with the key it had then; the index still names the new one.
    const older = { ...ann, feedKey: 'f'.repeat(32) };
    await redis.set(keys.subscription(ann.id), JSON.stringify(older));
    expect(await subs.byFeedKey(ann.feedKey)).toBeNull();
  });

  it('removes a subscription with every index key it had', async () => {
    const { subs, prefix, keys } = store();
    const keep = await subs.create(buildSubscriber({ name: 'Bo' }));
    const ann = await subs.create(buildSubscriber({ webhookUrl: 'https://hooks.example/ann' }));
    await subs.rotateKey(ann.id);
    expect(await subs.remove(ann.id)).toBe(true);
    // What is left is Bo's alone: his record, his feed key, and the set of ids.
    expect((await redis.keys(`${prefix}:*`)).sort()).toEqual(
      [keys.subscription(keep.id), keys.byFeedKey(keep.feedKey), keys.all].sort(),
    );
    expect(await redis.smembers(`${prefix}:subscriptions`)).toEqual([keep.id]);
    expect(await subs.remove(ann.id)).toBe(false);
    expect((await subs.list()).map((s) => s.id)).toEqual([keep.id]);
  });

  it('treats a stored record that is not a subscription as none, and can still remove it', async () => {
    const { subs, keys } = store();
    const good = await subs.create(buildSubscriber());
    for (const [id, raw] of [
      ['sub-aaaaaaaaaaaaaaaa', '{not json'],
      ['sub-bbbbbbbbbbbbbbbb', JSON.stringify({ id: 'sub-bbbbbbbbbbbbbbbb', name: 'x', feedKey: 'short' })],
    ] as const) {
      await redis.set(keys.subscription(id), raw);
      await redis.sadd(keys.all, id);
      expect(await subs.get(id)).toBeNull();
      expect(await subs.update(id, { name: 'changed' })).toBeNull();
      expect(await subs.rotateKey(id)).toBeNull();
    }
    expect((await subs.list()).map((s) => s.id)).toEqual([good.id]);
    expect(await subs.remove('sub-aaaaaaaaaaaaaaaa')).toBe(true);
    expect(await redis.exists(keys.subscription('sub-aaaaaaaaaaaaaaaa'))).toBe(0);
    expect(await redis.sismember(keys.all, 'sub-aaaaaaaaaaaaaaaa')).toBe(0);
  });

  it('drops an email or a webhook (and its secret) when set to null, and makes a new secret for a new webhook', async () => {
    const { subs } = store();
    const ann = await subs.create(buildSubscriber({ email: 'ann@example.com', webhookUrl: 'https://hooks.example/a' }));
    expect(ann.webhookSecret).toMatch(/^[0-9a-f]{48}$/);
    const plain = await subs.update(ann.id, { email: null, webhookUrl: null });
    expect(plain).not.toHaveProperty('email');
    expect(plain).not.toHaveProperty('webhookUrl');
    expect(plain).not.toHaveProperty('webhookSecret');
    const again = await subs.update(ann.id, { webhookUrl: 'https://hooks.example/b' });
    expect(again?.webhookSecret).toMatch(/^[0-9a-f]{48}$/);
    expect(again?.webhookSecret).not.toBe(ann.webhookSecret);
    expect((await subs.get(ann.id))?.webhookUrl).toBe('https://hooks.example/b');
  });
});
