import { redisKeys, type TopicArticle } from '@tidings/shared';
import { buildRun, buildTopicArticle, testPrefix, testRedis } from '@tidings/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { groupByTopic } from '../src/group-topics.js';
import type { BadRecord } from '../src/topic-store-reader.js';
import { TopicStoreWriter } from '../src/topic-store-writer.js';

const redis = testRedis();
afterAll(() => redis.quit());

const article = (id: string, published: string) =>
  buildTopicArticle({
    id,
    published,
    feed: 'https://www.cnbc.com/finance/rss',
    title: `Oil story ${id}`,
    link: `https://www.cnbc.com/${id}`,
    label: 'Oil or Gas',
    runId: 'r1',
  });

const run = (articles: TopicArticle[]) =>
  buildRun({ id: 'r1', startedAt: '2026-11-24T23:00:00.000Z', articles, topics: groupByTopic(articles) });

describe('TopicStoreWriter: a story’s sources', () => {
  it('attaches the sources kept beside a story when it is read, even ones added after the story was stored', async () => {
    const prefix = testPrefix();
    const bad: BadRecord[] = [];
    const store = new TopicStoreWriter(redis, prefix, { onBadRecord: (r) => bad.push(r) });
    const story = article('oil', '2026-11-24T21:00:00.000Z');
    const alone = article('gold', '2026-11-24T20:00:00.000Z');
    await store.writeRun(run([story, alone]));
    const own = { feed: story.feed, title: story.title, link: story.link, published: story.published };
    const copy = {
      feed: 'https://www.marketwire.example/rss',
      title: 'OPEC+ delays output increase and oil rallies 3%',
      link: 'https://www.marketwire.example/oil',
      published: '2026-11-24T21:20:00.000Z',
    };
    const key = redisKeys(prefix).storySources(story.id);
    await redis.rpush(
      key,
      JSON.stringify(own),
      JSON.stringify(copy),
      // Written by hand: a script link becomes "", a record of the wrong shape is skipped and reported.
      JSON.stringify({ ...copy, link: 'javascript:alert(1)' }),
      '{"feed":1}',
    );

    const digest = await store.digest({ hours: 24, at: new Date('2026-11-25T00:00:00Z') });
    const read = digest.topics.flatMap((g) => g.articles);
    expect(read.find((a) => a.id === 'oil')?.sources).toEqual([own, copy, { ...copy, link: '' }]);
    // Told by one outlet: its only source is itself.
    expect(read.find((a) => a.id === 'gold')?.sources).toEqual([
      { feed: alone.feed, title: alone.title, link: alone.link, published: alone.published },
    ]);
    expect(bad).toEqual([{ key, problem: expect.any(String) }]);
    expect((await store.topicArticles('Oil or Gas')).articles[0]?.sources).toHaveLength(3);
  });
});
