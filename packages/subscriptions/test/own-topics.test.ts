import { DEFAULT_LABELS, ownTopicId, redisKeys } from '@tidings/shared';
import { testPrefix, testRedis } from '@tidings/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { lookalikeForms, skeleton } from '../src/confusable-skeleton.js';
import { InvisibleOwnTopicError } from '../src/errors/invisible-own-topic-error.js';
import { LookalikeOwnTopicError } from '../src/errors/lookalike-own-topic-error.js';
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
    [['\u3000\u00a0\u2003 '], 'ownTopics[0]: is empty'],
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

describe('own topics in Unicode', () => {
  const check = (topic: string) => () => checkOwnTopics([topic], labels, DEFAULT_OWN_TOPIC_LIMITS);

  it.each([
    ['U+3164 HANGUL FILLER alone, a letter to \\p{L} that shows nothing', '\u3164', 'U+3164'],
    ['U+FFA0 HALFWIDTH HANGUL FILLER after a word', 'rates\uffa0', 'U+FFA0'],
    ['U+115F HANGUL CHOSEONG FILLER inside a word', 'ra\u115ftes', 'U+115F'],
    ['a zero-width space after the words', 'crypto\u200b', 'U+200B'],
    ['a zero-width space only', '\u200b', 'U+200B'],
    ['a byte order mark, which \\s would trim away', '\ufeffcrypto mining', 'U+FEFF'],
    ['U+202E RIGHT-TO-LEFT OVERRIDE', 'gold \u202eseirutuf', 'U+202E'],
    ['a word joiner', 'lith\u2060ium', 'U+2060'],
    ['a variation selector', 'gold\ufe0f', 'U+FE0F'],
    ['a tag character', 'gold\u{e0041}', 'U+E0041'],
    ['a soft hyphen', 'lith\u00adium', 'U+00AD'],
    ['a C1 control', 'gold\u0085', 'U+0085'],
    ['several, each named once', '\u200bgold\u200b\u200c', 'U+200B, U+200C'],
  ])('refuses %s, naming it', (_, topic, named) => {
    expect(check(topic)).toThrow(InvisibleOwnTopicError);
    expect(check(topic)).toThrow(`ownTopics[0]: contains invisible or control characters (${named})`);
  });

  it('reports invisible characters with their own code, as an own-topic error the API answers with 400', () => {
    const err = (() => {
      try {
        check('crypto\u200b')();
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(OwnTopicError);
    expect(err).toMatchObject({ code: 'TIDINGS_OWN_TOPIC_INVISIBLE' });
  });

  it.each([
    ['Cyrillic letters for Latin ones', '\u0421r\u0443\u0440t\u043e', 'Crypto', 'U+0421, U+0443, U+0440, U+043E'],
    ['Cyrillic capitals', '\u0421R\u0423\u0420\u0422\u041e', 'Crypto', 'U+0421, U+0423, U+0420, U+0422, U+041E'],
    ['a Cyrillic i, small', '\u0456po', 'IPO', 'U+0456'],
    ['Greek capitals', '\u0399\u03a1\u039f', 'IPO', 'U+0399, U+03A1, U+039F'],
    ['two Cyrillic letters in a label of three words', '\u041eil or G\u0430s', 'Oil or Gas', 'U+041E, U+0430'],
    ['a digit for a letter', 'Ec0nomics', 'Economics', 'U+0030'],
    ['a combining mark that composes with nothing', 'Crypto\u0336', 'Crypto', 'U+0336'],
    ['a combining mark that NFKC composes (y + U+0308 is ÿ)', 'Cry\u0308pto', 'Crypto', 'U+00FF'],
    ['a precomposed decoration', 'Cr\u00ffpto', 'Crypto', 'U+00FF'],
    ['mathematical bold letters with a Cyrillic one', '\u{1d412}\u{1d41e}\u0441', 'SEC', 'U+0441'],
  ])('refuses %s as imitating the shared label', (_, topic, label, differing) => {
    expect(check(topic)).toThrow(LookalikeOwnTopicError);
    expect(check(topic)).toThrow(
      `imitates the shared label '${label}': it differs from it only in look-alike letters or added marks (${differing}); subscribe to '${label}' in topics instead`,
    );
  });

  it('refuses fullwidth letters as the shared label itself: NFKC makes them the label', () => {
    expect(check('\uff23\uff52\uff59\uff50\uff54\uff4f')).toThrow(
      "ownTopics[0]: 'Crypto' is the shared label 'Crypto'",
    );
    expect(check('\uff33\uff25\uff23')).toThrow("ownTopics[0]: 'SEC' is the shared label 'SEC'");
  });

  it('compares with the labels the store is configured with', () => {
    expect(checkOwnTopics(['\u0421r\u0443\u0440t\u043e'], ['Bonds'], DEFAULT_OWN_TOPIC_LIMITS)).toEqual([
      '\u0421r\u0443\u0440t\u043e',
    ]);
    expect(() => checkOwnTopics(['B\u043ends'], ['Bonds'], DEFAULT_OWN_TOPIC_LIMITS)).toThrow(
      "imitates the shared label 'Bonds'",
    );
  });

  it('keeps topics in any script, with diacritics, acronyms and whitespace, as their NFKC form', () => {
    expect(
      checkOwnTopics(
        [
          '\u00e9lectric vehicles',
          'e\u0301nergie solaire',
          '\u65e5\u672c \u682a\u5f0f',
          'Zu\u0308rich banks',
          'ESG',
          '\uff45\uff4c\uff45\uff43\uff54\uff52\uff49\uff43 cars',
          'electric\tbuses\n',
          '\u041d\u0435\u0444\u0442\u044c',
          '\u03a7\u03c1\u03c5\u03c3\u03cc\u03c2',
          'Stocks in Z\u00fcrich',
        ],
        labels,
        DEFAULT_OWN_TOPIC_LIMITS,
      ),
    ).toEqual([
      'électric vehicles',
      'énergie solaire',
      '日本 株式',
      'Zürich banks',
      'ESG',
      'electric cars',
      'electric buses',
      'Нефть',
      'Χρυσός',
      'Stocks in Zürich',
    ]);
  });

  it('makes UTS #39 skeletons from the whole confusables table', () => {
    expect(skeleton('\u0421r\u0443\u0440t\u043e')).toBe('Crypto');
    expect(skeleton('m')).toBe('rn');
    expect(skeleton('\u{1d5a2}')).toBe('C');
    expect(lookalikeForms('\u0421RYPT\u041e')).toContain('crypto');
    expect(lookalikeForms('Cr\u00ffpto')).toEqual(lookalikeForms('Crypto'));
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

  it('refuses invisible and look-alike topics through the store, writing nothing, and keeps the NFKC words', async () => {
    const { store, fresh, registry } = setup(10);
    await expect(store.create({ name: 'Ann', ownTopics: ['lithium', '\u3164'] })).rejects.toThrow(
      InvisibleOwnTopicError,
    );
    await expect(store.create({ name: 'Ann', ownTopics: ['\u0421r\u0443\u0440t\u043e'] })).rejects.toThrow(
      "imitates the shared label 'Crypto'",
    );
    expect(await store.list()).toEqual([]);
    expect(await registry()).toEqual({});
    const ann = await store.create({ name: 'Ann', ownTopics: ['Zu\u0308rich  banks', '\uff25\uff33\uff27'] });
    expect(ann.ownTopics).toEqual(['Zürich banks', 'ESG']);
    await expect(store.update(ann.id, { ownTopics: ['crypto\u200b'] })).rejects.toThrow('(U+200B)');
    expect((await store.get(ann.id))?.ownTopics).toEqual(['Zürich banks', 'ESG']);
    expect(await registry()).toEqual({ [ownTopicId('zürich banks')]: 'Zürich banks', [ownTopicId('esg')]: 'ESG' });
    expect(fresh).toEqual([[ownTopicId('Zürich banks'), ownTopicId('ESG')]]);
  });

  it('keeps a patch that leaves ownTopics out as it is', async () => {
    const { store } = setup(10);
    const sub = await store.create({ name: 'Ann', topics: ['Crypto'], ownTopics: ['lithium'] });
    const renamed = await store.update(sub.id, { name: 'Ann B.' });
    expect(renamed?.ownTopics).toEqual(['lithium']);
    expect(renamed?.topics).toEqual(['Crypto']);
  });
});
