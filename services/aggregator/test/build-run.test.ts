import { RUN_RECORD_ARTICLES } from '@tidings/shared';
import {
  buildArticle,
  buildClassifyResult,
  buildFeedReport,
  buildRunManifest,
  buildTopicArticle,
} from '@tidings/testing';
import { groupByTopic } from '@tidings/topic-store';
import { describe, expect, it } from 'vitest';
import { RunBuilder } from '../src/build-run.js';

const article = (id: string, published: string) => buildArticle({ id, published });
const topicArticle = (id: string, label: string, published: string) =>
  buildTopicArticle({ id, label, published, score: 0.9, runId: 'r' });
const result = (articleId: string, label: string) => buildClassifyResult({ articleId, label, score: 0.8 });

describe('groupByTopic', () => {
  it('orders groups largest first with Other last, articles newest first', () => {
    const groups = groupByTopic(
      [
        topicArticle('o1', 'Other', '2026-11-24T10:00:00Z'),
        topicArticle('o2', 'Other', '2026-11-24T11:00:00Z'),
        topicArticle('o3', 'Other', '2026-11-24T12:00:00Z'),
        topicArticle('s1', 'Stock', '2026-11-24T09:00:00Z'),
        topicArticle('s2', 'Stock', '2026-11-24T13:00:00Z'),
        topicArticle('c1', 'Crypto', '2026-11-24T08:00:00Z'),
        topicArticle('e1', 'Economics', '2026-11-24T08:00:00Z'),
      ],
      ['Crypto', 'Economics', 'Stock', 'Other'],
    );
    expect(groups.map((g) => [g.label, g.count])).toEqual([
      ['Stock', 2],
      ['Crypto', 1],
      ['Economics', 1],
      ['Other', 3],
    ]);
    expect(groups[0]?.articles.map((a) => a.id)).toEqual(['s2', 's1']);
    expect(groups[3]?.articles.map((a) => a.id)).toEqual(['o3', 'o2', 'o1']);
  });
});

describe('RunBuilder', () => {
  const manifest = buildRunManifest({ runId: 'run-1', startedAt: '2026-11-25T06:00:00.000Z', feeds: ['a', 'b'] });
  const feeds = [
    buildFeedReport({ url: 'a', fetched: 5, kept: 3, dropped: { sponsored: 2 } }),
    buildFeedReport({ url: 'b', status: 'failed', error: { code: 'FEED_TIMEOUT', message: 'b: slow' } }),
  ];

  it('accounts for every article it is given: classified or failed with its reason', () => {
    const builder = new RunBuilder(manifest);
    builder.addClassified(article('x', '2026-11-24T01:00:00.000Z'), result('x', 'Crypto'));
    const stored = builder.addClassified(article('y', '2026-11-24T02:00:00.000Z'), result('y', 'Crypto'));
    builder.addFailure({ articleId: 'z', title: 'Zed', reason: 'boom' });
    const run = builder.finish({ feeds, finishedAt: new Date('2026-11-25T06:00:05.000Z'), finalisedBy: 'aggregator' });
    expect(stored).toMatchObject({ id: 'y', label: 'Crypto', score: 0.8, runId: 'run-1' });
    expect(run.counts).toEqual({ fetched: 3, new: 3, classified: 2, failed: 1 });
    expect(run.failures).toEqual([{ articleId: 'z', title: 'Zed', reason: 'boom' }]);
    expect(run.feeds).toEqual(feeds);
    expect(run.durationMs).toBe(5000);
    expect(run.topics).toHaveLength(1);
    expect(run.topics[0]?.articles.map((a) => [a.id, a.runId])).toEqual([
      ['y', 'run-1'],
      ['x', 'run-1'],
    ]);
    // Every label's score is kept, not only the winner's.
    expect(run.topics[0]?.articles[0]?.scores).toEqual({ Crypto: 0.8 });
  });

  it('keeps the newest articles of each topic and at most as many failures as a record holds, with exact counts', () => {
    const builder = new RunBuilder(manifest, ['Stock', 'Crypto']);
    const n = RUN_RECORD_ARTICLES * 3 + 7;
    for (let i = 0; i < n; i++) {
      const published = new Date(Date.UTC(2026, 10, 24, 0, i)).toISOString();
      builder.addClassified(article(`s${i}`, published), result(`s${i}`, 'Stock'));
      builder.addFailure({ articleId: `f${i}`, title: '', reason: 'boom' });
    }
    builder.addClassified(article('c0', '2026-11-20T00:00:00.000Z'), result('c0', 'Crypto'));
    const run = builder.finish({ feeds, finishedAt: new Date(), finalisedBy: 'watchdog', reason: 'timed out' });
    expect(run.counts).toMatchObject({ classified: n + 1, failed: n, new: 2 * n + 1 });
    expect(run.topics.map((g) => [g.label, g.count, g.articles.length])).toEqual([
      ['Stock', n, RUN_RECORD_ARTICLES],
      ['Crypto', 1, 1],
    ]);
    expect(run.topics[0]?.articles[0]?.id).toBe(`s${n - 1}`);
    expect(run.topics[0]?.articles.at(-1)?.id).toBe(`s${n - RUN_RECORD_ARTICLES}`);
    expect(run.failures).toHaveLength(RUN_RECORD_ARTICLES);
    expect(run).toMatchObject({ finalisedBy: 'watchdog', reason: 'timed out' });
  });
});

describe('RunBuilder own-topic matches under learned thresholds', () => {
  it('holds each own topic to its own threshold, and the rest to OWN_TOPIC_THRESHOLD', () => {
    const learned: Record<string, number> = { '1111111111111111': 0.5 };
    const builder = new RunBuilder(buildRunManifest({ runId: 'run-own' }), [], (topicId) => learned[topicId] ?? 0.8);
    const scored = buildClassifyResult({
      articleId: 'a1',
      label: 'Stock',
      score: 0.8,
      ownScores: { '1111111111111111': 0.6, '2222222222222222': 0.6 },
    });
    expect(builder.ownMatches(scored)).toEqual([['1111111111111111', 0.6]]);
    builder.addClassified(article('a1', '2026-11-25T05:00:00.000Z'), scored);
    expect(Object.keys(builder.ownTopics())).toEqual(['1111111111111111']);
  });

  it('keeps the raw scores and the calibration a result was made under with the stored article', () => {
    const builder = new RunBuilder(buildRunManifest({ runId: 'run-cal' }));
    const stored = builder.addClassified(
      article('a2', '2026-11-25T05:00:00.000Z'),
      buildClassifyResult({
        articleId: 'a2',
        label: 'SEC',
        score: 0.7,
        scores: { SEC: 0.7, Stock: 0.3 },
        rawScores: { SEC: 0.2, Stock: 0.8 },
        calibration: 'cal-0123456789ab',
      }),
    );
    expect(stored).toMatchObject({
      label: 'SEC',
      rawScores: { SEC: 0.2, Stock: 0.8 },
      calibration: 'cal-0123456789ab',
    });
  });
});
