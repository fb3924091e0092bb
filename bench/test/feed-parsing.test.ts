import { describe, expect, it } from 'vitest';
import { feedParsing } from '../src/benchmarks/feed-parsing.js';
import { BenchReport } from '../src/report.js';

describe('the feed-parsing benchmark', () => {
  // A dozen items: the same feeds, processes and report as `pnpm bench feed-parsing`, in seconds.
  it('has both parsers read every item of both feeds in their own processes, and reports each beside the other', () => {
    const report = new BenchReport();
    const figures = feedParsing(report, { items: 12, repeats: 1 });
    for (const format of ['rss', 'atom'] as const) {
      const { tidings, rssParser, bytes, speedRatio, peakRssRatio } = figures[format];
      expect(bytes).toBeGreaterThan(12 * 1000);
      for (const parser of [tidings, rssParser]) {
        expect(parser).toMatchObject({ items: 12, unreadable: 0 });
        expect(parser.mbPerSecond.median).toBeGreaterThan(0);
        expect(parser.itemsPerSecond.median).toBeGreaterThan(0);
        // A process of its own: at least Node.js itself, never the test runner's heap.
        expect(parser.peakRssMb.median).toBeGreaterThan(20);
      }
      expect(speedRatio).toBeGreaterThan(0);
      expect(peakRssRatio).toBeGreaterThan(0);
    }
    expect(report.results.feedParsing).toBe(figures);
    const rows = report.table().trimEnd().split('\n');
    expect(rows).toHaveLength(4);
    for (const row of rows) expect(row).toMatch(/12 items.* MB\/s, \d+ items\/s +\d+ MB +.*the parse added \d+ MB/);
    const tidingsRows = rows.filter((r) => r.includes('tidings parseFeed'));
    expect(tidingsRows).toHaveLength(2);
    for (const row of tidingsRows) expect(row).toMatch(/[\d.]+× rss-parser's speed, [\d.]+× its peak RSS/);
  });
});
