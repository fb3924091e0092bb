import { describe, expect, it } from 'vitest';
import type { ScaleRow } from '../../src/scale/run-row.js';
import { chartPanels, markdownTables, replaceBetween, slopesOf } from '../../src/scale/scale-report.js';
import { scenarios } from '../../src/scale/scenarios.js';

const row = (feeds: number, articles: number, series: ScaleRow['series'], over: Partial<ScaleRow> = {}): ScaleRow => ({
  feeds,
  articles,
  series,
  seconds: articles / 100,
  articlesPerSecond: 100,
  loaderPeakMb: 150,
  aggregatorPeakMb: 120 + articles / 1000,
  classifierPeakMb: 300,
  dashboardPeakMb: 160,
  redisPeakMb: articles / 100,
  flowMs: 1000,
  finaliseMs: articles / 2,
  afterFlowMs: articles,
  pageMs: 100,
  apiMs: 10,
  classified: articles,
  failedArticles: 0,
  feedsOk: feeds,
  feedsFailed: 0,
  hosts: 8,
  maxInFlightPerHost: 1,
  historyArticles: 0,
  notes: [],
  ...over,
});

describe('the scale report', () => {
  it('states each curve’s slope on its own series, a failed row counting with what it measured', () => {
    const rows = [
      row(100, 100, ['articles']),
      row(100, 1000, ['articles', 'feeds']),
      row(100, 50000, ['articles'], { notes: ['GET /: The operation was aborted due to timeout'] }),
      row(10, 100, ['feeds'], { seconds: 1 }),
      row(1000, 10000, ['feeds'], {
        seconds: Number.NaN,
        articlesPerSecond: Number.NaN,
        loaderPeakMb: 1500,
        error: 'run was not written in time',
      }),
    ];
    const slopes = slopesOf(rows);
    expect(slopes.byArticles.seconds).toBeCloseTo(1, 6);
    expect(slopes.byArticles.loaderPeakMb).toBeCloseTo(0, 6);
    expect(slopes.byArticles.finaliseMs).toBeCloseTo(1, 6);
    // Feeds series: 10 feeds → 1 s, 100 feeds → 10 s; the failed 1 000-feed row took no time…
    expect(slopes.byFeeds.seconds).toBeCloseTo(1, 6);
    // …but its loader peak (150 → 150 → 1500 MB from 10 to 1 000 feeds) counts.
    expect(slopes.byFeeds.loaderPeakMb).toBeGreaterThan(0.3);
    const md = markdownTables(rows, slopes);
    expect(md).toContain('| 1000 | 10000 | failed¹ | – | 1500 |');
    expect(md).toContain('- ¹ 1000 feeds, 10000 articles failed: run was not written in time');
    expect(md).toContain('| wall time | 1.00 (linear) | 1.00 (linear) |');
    expect(md).toContain('| loader peak RSS | 0.00 (flat) |');
    expect(md).toContain('- 100 feeds, 50000 articles: GET /: The operation was aborted due to timeout');
    const header = md.split('\n')[0] ?? '';
    for (const line of md.split('\n').slice(0, 7)) expect(line.split('|').length, line).toBe(header.split('|').length);
  });

  it('charts what each row measured, each curve on its own series', () => {
    const panels = chartPanels([
      row(100, 1000, ['articles', 'feeds']),
      row(1, 10, ['feeds'], { seconds: Number.NaN, error: 'x' }),
    ]);
    expect(panels[0]?.series.map((s) => s.points.filter((p) => Number.isFinite(p.y)).length)).toEqual([1, 1]);
    expect(panels[1]?.series.map((s) => s.name)).toEqual(['loader', 'aggregator', 'Redis']);
  });

  it('rewrites only the generated part of the docs', () => {
    const doc = 'intro\n<!-- b -->\nold table\n<!-- e -->\noutro\n';
    expect(replaceBetween(doc, '<!-- b -->', '<!-- e -->', 'new table')).toBe(
      'intro\n<!-- b -->\nnew table\n<!-- e -->\noutro\n',
    );
    expect(replaceBetween('intro\n', '<!-- b -->', '<!-- e -->', 't')).toBe('intro\n\n<!-- b -->\nt\n<!-- e -->\n');
  });

  it('keeps --quick within 100 feeds and 5 000 articles, and the full run reaching 1 000 feeds and 50 000 articles', () => {
    const quick = scenarios({ quick: true });
    expect(Math.max(...quick.map((s) => s.feeds))).toBe(100);
    expect(Math.max(...quick.map((s) => s.articles))).toBe(5000);
    const full = scenarios({ quick: false });
    expect(full.map((s) => s.feeds)).toEqual(expect.arrayContaining([1, 10, 100, 1000]));
    expect(full.filter((s) => s.articles === 50000)).toHaveLength(1);
  });
});
