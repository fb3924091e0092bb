import { describe, expect, it } from 'vitest';
import {
  ArticleSchema,
  ClassifyJobSchema,
  ClassifyResultSchema,
  DigestSchema,
  describeZodError,
  ReadFeedJobSchema,
  RunManifestSchema,
  RunRequestJobSchema,
  RunSchema,
  TopicGroupSchema,
} from '../src/index.js';

const article = {
  id: 'g-108401001',
  feed: 'https://www.cnbc.com/id/19746125/device/rss/rss.xml',
  title: 'Bitcoin slides',
  summary: 'Spot bitcoin ETFs saw withdrawals.',
  link: 'https://www.cnbc.com/2026/11/24/bitcoin.html',
  published: '2026-11-24T20:41:13.000Z',
  fetchedAt: '2026-11-25T06:00:00.000Z',
};
const result = {
  articleId: article.id,
  label: 'Crypto',
  score: 0.9,
  scores: { Crypto: 0.9, Other: 0.1 },
  model: 'tiny-nli',
  dtype: 'fp32',
  ms: 3.2,
};
const group = { label: 'Crypto', count: 1, articles: [{ ...article, label: 'Crypto', score: 0.9, runId: 'r1' }] };
const run = {
  id: 'r1',
  trigger: 'manual',
  feeds: [{ url: article.feed, status: 'ok', fetched: 3, kept: 1, dropped: { sponsored: 1, duplicate: 1 } }],
  startedAt: '2026-11-25T06:00:00.000Z',
  finishedAt: '2026-11-25T06:00:05.000Z',
  durationMs: 5000,
  counts: { fetched: 3, new: 1, classified: 1, failed: 0 },
  failures: [],
  finalisedBy: 'aggregator',
  topics: [group],
};

describe('schemas', () => {
  it('accept valid payloads', () => {
    expect(ArticleSchema.parse(article).publishedEstimated).toBe(false);
    expect(ClassifyJobSchema.parse({ runId: 'r1', articleId: article.id }).articleId).toBe(article.id);
    expect(ClassifyResultSchema.parse(result).label).toBe('Crypto');
    expect(TopicGroupSchema.parse(group).count).toBe(1);
    expect(RunSchema.parse(run).counts.classified).toBe(1);
    expect(
      RunManifestSchema.parse({
        runId: 'r1',
        trigger: 'schedule',
        startedAt: run.startedAt,
        feeds: ['https://a.example/rss'],
      }).feeds,
    ).toHaveLength(1);
    expect(
      RunManifestSchema.safeParse({
        runId: 'r1',
        trigger: 'schedule',
        startedAt: run.startedAt,
        feeds: [],
        articles: [],
      }).success,
    ).toBe(false);
    expect(ReadFeedJobSchema.parse({ runId: 'r1', index: 0, feed: '/etc/passwd' }).reclassify).toBe(false);
    expect(ReadFeedJobSchema.safeParse({ runId: '../x', index: 0, feed: 'https://a.example/' }).success).toBe(false);
    expect(ReadFeedJobSchema.safeParse({ runId: 'r1', index: 0, feed: 'x', grant: 'abc' }).success).toBe(false);
    expect(RunRequestJobSchema.parse({ trigger: 'manual' }).reclassify).toBe(false);
    expect(
      DigestSchema.parse({
        generatedAt: run.finishedAt,
        windowHours: 24,
        from: null,
        to: null,
        runId: null,
        topics: [],
      }).topics,
    ).toEqual([]);
  });

  it.each([
    ['article without id', ArticleSchema, { ...article, id: '' }, 'id: not an article id'],
    ['article with a path as id', ArticleSchema, { ...article, id: '../x' }, 'id: not an article id'],
    [
      'article with a bad date',
      ArticleSchema,
      { ...article, published: 'yesterday' },
      'published: Invalid ISO datetime',
    ],
    ['job without article id', ClassifyJobSchema, { runId: 'r1' }, 'articleId: Invalid input'],
    [
      'job with a key separator in its article id',
      ClassifyJobSchema,
      { runId: 'r1', articleId: 'a:b' },
      'articleId: not an article id',
    ],
    [
      'job carrying the article itself',
      ClassifyJobSchema,
      { runId: 'r1', articleId: article.id, article },
      'Unrecognized key: "article"',
    ],
    ['result with a score above 1', ClassifyResultSchema, { ...result, score: 1.5 }, 'score: Too big'],
    ['result with negative ms', ClassifyResultSchema, { ...result, ms: -1 }, 'ms: Too small'],
    ['group with a negative count', TopicGroupSchema, { ...group, count: -1 }, 'count: Too small'],
    ['run with an unknown trigger', RunSchema, { ...run, trigger: 'cron' }, 'trigger: Invalid option'],
    ['run without counts', RunSchema, { ...run, counts: undefined }, 'counts: Invalid input'],
    ['load job with no feeds', RunRequestJobSchema, { trigger: 'manual', feeds: [] }, 'feeds: Too small'],
    [
      'manifest with a feed that is not a string',
      RunManifestSchema,
      { runId: 'r', trigger: 'manual', startedAt: run.startedAt, feeds: [{}] },
      'feeds.0: Invalid input',
    ],
    [
      'read-feed job with an index past the last feed a run may have',
      ReadFeedJobSchema,
      { runId: 'r', index: 10_000, feed: 'https://a.example/' },
      'index: Too big',
    ],
  ])('reject %s with a message naming the field', (_name, schema, payload, message) => {
    const parsed = schema.safeParse(payload);
    expect(parsed.success).toBe(false);
    if (!parsed.success) expect(describeZodError(parsed.error)).toContain(message);
  });
});
