import { DEFAULT_LABELS, ownTopicId, redisKeys } from '@tidings/shared';
import { testPrefix, testRedis } from '@tidings/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { OwnTopicCeilingError } from '../src/errors/own-topic-ceiling-error.js';
import { OwnTopicError } from '../src/errors/own-topic-error.js';
import { checkOwnTopics, DEFAULT_OWN_TOPIC_LIMITS } from '../src/own-topic-rules.js';
import { SubscriptionStore } from '../src/subscription-store.js';

const labels = DEFAULT_LABELS.split(',');
const redis = testRedis();
afterAll(() => redis.quit());

describe('checkOwnTopics', () => {
  it('keeps plain words with the punctuation names use, spaces collapsed, duplicates (case aside) once', () => {
    expect(
      checkOwnTopics(
        ['  S&P 500  futures', 'AI/ML chips', 'U.S.-China trade', 'ai/ml   CHIPS', 'Q3 earnings (tech)', 'électricité'],
        labels,
        DEFAULT_OWN_TOPIC_LIMITS,
      ),
    ).toEqual(['S&P 500 futures', 'AI/ML chips', 'U.S.-China trade', 'Q3 earnings (tech)', 'électricité']);
  });

  it.each([
    [['ok', ''], 'ownTopics[1]: is empty'],
    [['x'.repeat(81)], 'ownTopics[0]: is 81 characters long; at most 80 (OWN_TOPIC_MAX_CHARS)'],
    [['rates {}'], 'ownTopics[0]: contains { or }'],
    [['<b>bold</b>'], 'ownTopics[0]: contains < or >'],
    [['"quoted"'], `ownTopics[0]: '"quoted"' is not plain words`],
    [['bell\u0007'], 'ownTopics[0]: '],
    [['Oil  or GAS'], "ownTopics[0]: 'Oil or GAS' is the shared label 'Oil or Gas'"],
    [Array.from({ length: 11 }, (_, i) => `t${i}`), 'ownTopics: 11 own topics; a subscription may have at most 10'],
  ])('refuses %j: %s', (topics, message) => {
    const run = () => checkOwnTopics(topics, labels, DEFAULT_OWN_TOPIC_LIMITS);
    expect(run).toThrow(OwnTopicError);
    expect(run).toThrow(message);
  });
});

describe('the own-topic registry', () => {
  const setup = (ceiling: number) => {
    const prefix = testPrefix();
    const fresh: string[][] = [];
    const store = new SubscriptionStore(redis, prefix, {
      labels,
      ownTopics: { ...DEFAULT_OWN_TOPIC_LIMITS, ceiling },
      onNewOwnTopics: async (ids) => {
        fresh.push(ids);
      },
    });
    const registry = () => redis.hgetall(redisKeys(prefix).ownTopics);
    return { store, fresh, registry };
  };

  it('registers a topic once however many subscribers write it, and reports it new only the first time', async () => {
    const { store, fresh, registry } = setup(10);
    const ann = await store.create({ name: 'Ann', ownTopics: ['Electric  vehicles'] });
    const bo = await store.create({ name: 'Bo', ownTopics: ['electric VEHICLES', 'lithium'] });
    expect(bo.ownTopics).toEqual(['electric VEHICLES', 'lithium']);
    expect(fresh).toEqual([[ownTopicId('electric vehicles')], [ownTopicId('lithium')]]);
    expect(await registry()).toEqual({
      [ownTopicId('electric vehicles')]: 'Electric vehicles',
      [ownTopicId('lithium')]: 'lithium',
    });
    await store.remove(ann.id);
    expect(Object.values(await registry()).sort()).toEqual(['Electric vehicles', 'lithium']);
    await store.update(bo.id, { ownTopics: ['lithium'] });
    expect(Object.values(await registry())).toEqual(['lithium']);
    await store.remove(bo.id);
    expect(await registry()).toEqual({});
  });

  it('refuses a subscription past the ceiling and changes nothing, subscription or registry', async () => {
    const { store, fresh, registry } = setup(2);
    await store.create({ name: 'Ann', ownTopics: ['a topic', 'b topic'] });
    await expect(store.create({ name: 'Bo', ownTopics: ['a topic', 'c topic'] })).rejects.toThrow(OwnTopicCeilingError);
    expect((await store.list()).map((s) => s.name)).toEqual(['Ann']);
    expect(Object.values(await registry()).sort()).toEqual(['a topic', 'b topic']);
    // Swapping one's own topic for a new one fits: the old one is freed in the same step.
    const [ann] = await store.list();
    await store.update(ann!.id, { ownTopics: ['a topic', 'c topic'] });
    expect(Object.values(await registry()).sort()).toEqual(['a topic', 'c topic']);
    expect(fresh).toEqual([[ownTopicId('a topic'), ownTopicId('b topic')], [ownTopicId('c topic')]]);
  });

  it('keeps a patch that leaves ownTopics out as it is', async () => {
    const { store } = setup(10);
    const sub = await store.create({ name: 'Ann', topics: ['Crypto'], ownTopics: ['lithium'] });
    const renamed = await store.update(sub.id, { name: 'Ann B.' });
    expect(renamed?.ownTopics).toEqual(['lithium']);
    expect(renamed?.topics).toEqual(['Crypto']);
  });
});
