import { RUN_RECORD_ARTICLES, type TopicArticle } from '@tidings/shared';
import { buildRun, buildTopicArticle, testPrefix, testRedis } from '@tidings/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { groupByTopic } from '../src/group-topics.js';
import { TopicStoreWriter, WRITE_PAGE } from '../src/topic-store-writer.js';

const redis = testRedis();
afterAll(() => redis.quit());

const ta = (id: string, label: string, published: string, runId = 'r1') =>
  buildTopicArticle({ id, label, published, runId, feed: 'f', title: `T ${id}`, link: '', score: 0.7 });
const run = (id: string, startedAt: string, articles: TopicArticle[]) =>
  buildRun({ id, startedAt, articles, topics: groupByTopic(articles) });

describe('TopicStoreWriter', () => {
  it('writes a run once: a second write, even with other content, changes nothing', async () => {
    const store = new TopicStoreWriter(redis, testPrefix());
    expect(
      await store.writeRun(run('r1', '2026-11-24T06:00:00.000Z', [ta('a', 'Crypto', '2026-11-24T05:00:00.000Z')])),
    ).toBe(true);
    expect(
      await store.writeRun(run('r1', '2026-11-24T06:00:00.000Z', [ta('b', 'Stock', '2026-11-24T05:00:00.000Z')])),
    ).toBe(false);
    expect(await store.labels()).toEqual(['Crypto']);
    expect((await store.run('r1'))?.topics[0]?.articles.map((a) => a.id)).toEqual(['a']);
  });

  it('writes a run larger than one step in several, keeps every article, and a record of bounded size', async () => {
    const store = new TopicStoreWriter(redis, testPrefix());
    const n = WRITE_PAGE * 2 + 3;
    const articles = Array.from({ length: n }, (_, i) =>
      ta(`s${i}`, 'Stock', new Date(Date.UTC(2026, 10, 24, 0, 0, i)).toISOString()),
    );
    expect(await store.writeRun(run('big', '2026-11-24T06:00:00.000Z', articles))).toBe(true);
    expect(await store.topicSizes()).toEqual({ Stock: n });
    const record = await store.run('big');
    expect(record?.topics.map((g) => [g.label, g.count, g.articles.length])).toEqual([
      ['Stock', n, RUN_RECORD_ARTICLES],
    ]);
    expect(record?.topics[0]?.articles[0]?.id).toBe(`s${n - 1}`);
    // Every article stays findable by its run (search reads new runs this way), and lists of
    // runs read a summary without the topics.
    expect(await store.runArticleIds('big')).toHaveLength(n);
    expect((await store.runs()).runs).toMatchObject([{ id: 'big', counts: { classified: n } }]);
    expect((await store.runs()).runs[0]).not.toHaveProperty('topics');
    // A step for a run already written changes nothing.
    expect(await store.writeArticles('big', [ta('late', 'Crypto', '2026-11-24T05:00:00.000Z')])).toBe(false);
    expect(await store.labels()).toEqual(['Stock']);
  });

  it('gives a digest with the newest articles of each topic and its exact count', async () => {
    const store = new TopicStoreWriter(redis, testPrefix());
    const stock = Array.from({ length: 7 }, (_, i) => ta(`s${i}`, 'Stock', `2026-11-24T0${i}:00:00.000Z`));
    await store.writeRun(
      run('r1', '2026-11-24T08:00:00.000Z', [...stock, ta('c', 'Crypto', '2026-11-24T03:30:00.000Z')]),
    );
    const at = new Date('2026-11-24T09:00:00Z');
    const digest = await store.digest({ hours: 24, at, perTopic: 3 });
    expect(digest.topics.map((g) => [g.label, g.count, g.articles.map((a) => a.id)])).toEqual([
      ['Stock', 7, ['s6', 's5', 's4']],
      ['Crypto', 1, ['c']],
    ]);
    const day = await store.digestBetween(Date.parse('2026-11-24T00:00:00Z'), Date.parse('2026-11-25T00:00:00Z'), {
      perTopic: 2,
    });
    expect(day.topics.map((g) => [g.label, g.count, g.articles.length])).toEqual([
      ['Stock', 7, 2],
      ['Crypto', 1, 1],
    ]);
    expect((await store.digest({ hours: 24, at })).topics[0]?.articles).toHaveLength(7);
  });

  it('serves the newest articles across chosen topics, newest first, at most the limit', async () => {
    const store = new TopicStoreWriter(redis, testPrefix());
    await store.writeRun(
      run('r1', '2026-11-24T06:00:00.000Z', [
        ta('c1', 'Crypto', '2026-11-24T01:00:00.000Z'),
        ta('s1', 'Stock', '2026-11-24T03:00:00.000Z'),
        ta('c2', 'Crypto', '2026-11-24T04:00:00.000Z'),
        ta('o1', 'Other', '2026-11-24T05:00:00.000Z'),
      ]),
    );
    expect((await store.newestArticles(['Crypto', 'Stock'], 10)).map((a) => a.id)).toEqual(['c2', 's1', 'c1']);
    expect((await store.newestArticles(['Crypto', 'Stock', 'Other'], 2)).map((a) => a.id)).toEqual(['o1', 'c2']);
  });

  it('moves a reclassified article to its new topic', async () => {
    const store = new TopicStoreWriter(redis, testPrefix());
    await store.writeRun(run('r1', '2026-11-24T06:00:00.000Z', [ta('a', 'Crypto', '2026-11-24T05:00:00.000Z')]));
    await store.writeRun(run('r2', '2026-11-24T07:00:00.000Z', [ta('a', 'Stock', '2026-11-24T05:00:00.000Z', 'r2')]));
    expect((await store.topicArticles('Crypto')).total).toBe(0);
    expect((await store.topicArticles('Stock')).articles.map((a) => [a.id, a.runId])).toEqual([['a', 'r2']]);
  });

  it('serves the digest window anchored on the newest article, pages and run history', async () => {
    const store = new TopicStoreWriter(redis, testPrefix(), { labelOrder: ['Stock', 'Crypto'] });
    await store.writeRun(
      run('r1', '2026-11-24T06:00:00.000Z', [
        ta('old', 'Crypto', '2026-11-20T05:00:00.000Z'),
        ta('new', 'Crypto', '2026-11-24T05:00:00.000Z'),
        ta('s1', 'Stock', '2026-11-24T04:00:00.000Z'),
        ta('s2', 'Stock', '2026-11-23T06:00:00.000Z'),
      ]),
    );
    await store.writeRun(run('r2', '2026-11-25T06:00:00.000Z', []));
    const digest = await store.digest({ hours: 24, at: new Date('2026-11-26T00:00:00Z') });
    expect(digest).toMatchObject({ runId: 'r2', to: '2026-11-24T05:00:00.000Z', from: '2026-11-23T05:00:00.000Z' });
    expect(digest.topics.map((g) => [g.label, g.articles.map((a) => a.id)])).toEqual([
      ['Stock', ['s1', 's2']],
      ['Crypto', ['new']],
    ]);
    expect((await store.digest({ hours: 1, at: new Date('2026-11-26T00:00:00Z') })).topics.map((g) => g.label)).toEqual(
      ['Crypto'],
    );

    expect(await store.topicArticles('Crypto', { offset: 1, limit: 1 })).toMatchObject({
      total: 2,
      articles: [{ id: 'old' }],
    });
    const history = await store.runs({ limit: 1 });
    expect(history.total).toBe(2);
    expect(history.runs.map((r) => r.id)).toEqual(['r2']);
    expect(history.runs[0]).not.toHaveProperty('topics');
    expect(await store.topicSizes()).toEqual({ Stock: 2, Crypto: 2 });
  });

  it('an empty store gives an empty digest', async () => {
    const digest = await new TopicStoreWriter(redis, testPrefix()).digest({ hours: 24 });
    expect(digest).toMatchObject({ from: null, to: null, runId: null, topics: [] });
  });

  it('prunes articles and runs older than the cutoff', async () => {
    const store = new TopicStoreWriter(redis, testPrefix());
    await store.writeRun(run('old', '2026-10-01T06:00:00.000Z', [ta('a', 'Crypto', '2026-10-01T05:00:00.000Z')]));
    await store.writeRun(run('new', '2026-11-24T06:00:00.000Z', [ta('b', 'Crypto', '2026-11-24T05:00:00.000Z')]));
    expect(await store.prune(new Date('2026-11-01T00:00:00Z'))).toEqual({ articles: 1, runs: 1 });
    expect(await store.hasRun('old')).toBe(false);
    expect((await store.topicArticles('Crypto')).articles.map((a) => a.id)).toEqual(['b']);
  });
});

describe('TopicStoreWriter reads for search', () => {
  it('the run range changes when a run is written or pruned, and lists run ids oldest first', async () => {
    const store = new TopicStoreWriter(redis, testPrefix());
    expect(await store.runRange()).toEqual({ count: 0, oldest: null, newest: null });
    await store.writeRun(run('r2', '2026-11-24T06:00:00.000Z', [ta('a', 'Crypto', '2026-11-24T05:00:00.000Z')]));
    // Written later but started earlier: the count tells it apart.
    await store.writeRun(run('r1', '2026-11-23T06:00:00.000Z', [ta('b', 'Stock', '2026-11-23T05:00:00.000Z')]));
    expect(await store.runRange()).toEqual({ count: 2, oldest: 'r1', newest: 'r2' });
    expect(await store.runIds()).toEqual(['r1', 'r2']);
    await store.prune(new Date('2026-11-24T00:00:00.000Z'));
    expect(await store.runRange()).toEqual({ count: 1, oldest: 'r2', newest: 'r2' });
  });

  it('lists article ids published since a time in every topic, and reads articles by id in order', async () => {
    const store = new TopicStoreWriter(redis, testPrefix());
    await store.writeRun(
      run('r1', '2026-11-24T06:00:00.000Z', [
        ta('old', 'Crypto', '2026-11-20T05:00:00.000Z'),
        ta('c', 'Crypto', '2026-11-24T05:00:00.000Z'),
        ta('s', 'Stock', '2026-11-24T04:00:00.000Z'),
      ]),
    );
    expect((await store.articleIdsPublishedSince(Date.parse('2026-11-21T00:00:00.000Z'))).sort()).toEqual(['c', 's']);
    const read = await store.articlesById(['s', 'missing', 'c']);
    expect(read.map((a) => [a.id, a.label])).toEqual([
      ['s', 'Stock'],
      ['c', 'Crypto'],
    ]);
  });
});
