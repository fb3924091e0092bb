import { buildClassifyResult, buildRunManifest, buildTopicArticle } from '@tidings/testing';
import { describe, expect, it } from 'vitest';
import { ReclassifyReportBuilder } from '../src/build-reclassify-report.js';

const manifest = buildRunManifest({
  runId: 'reclassify-1',
  trigger: 'reclassify',
  feeds: ['stored articles'],
  reclassify: { since: '2026-11-30T00:00:00.000Z', until: '2026-12-07T00:00:00.000Z', dryRun: true },
});

describe('ReclassifyReportBuilder', () => {
  it('counts agreement overall and per label, the confusion, and lists each change with its old and new label', () => {
    const builder = new ReclassifyReportBuilder(manifest);
    const stored = [
      buildTopicArticle({ id: 'a1', title: 'SEC probes a broker', label: 'Stock', version: 'aaaaaaaaaaaa' }),
      buildTopicArticle({ id: 'a2', title: 'Stocks rally', label: 'Stock', version: 'aaaaaaaaaaaa' }),
      buildTopicArticle({ id: 'a3', title: 'Bitcoin slips', label: 'Crypto' }),
    ];
    const next = { a1: 'SEC', a2: 'Stock', a3: 'Crypto' } as const;
    const kept = stored.map((a) =>
      builder.add(
        a,
        buildClassifyResult({
          articleId: a.id,
          label: next[a.id as keyof typeof next],
          score: 0.7,
          version: 'bbbbbbbbbbbb',
        }),
      ),
    );
    expect(
      builder.add(undefined, buildClassifyResult({ articleId: 'gone', label: 'Stock', version: 'bbbbbbbbbbbb' })),
    ).toBeUndefined();
    builder.addFailure({ articleId: 'a4', title: 'Poison', reason: 'neither title nor summary' });
    const report = builder.finish({
      selected: 5,
      finishedAt: new Date('2026-12-07T01:00:00.000Z'),
      finalisedBy: 'aggregator',
    });

    expect(kept.map((k) => k?.was)).toEqual(['Stock', 'Stock', 'Crypto']);
    expect(report.counts).toEqual({ selected: 5, classified: 4, failed: 1, compared: 3, agreed: 2, changed: 1 });
    expect(report.perLabel).toEqual({
      Stock: { before: 2, after: 1, agreed: 1 },
      SEC: { before: 0, after: 1, agreed: 0 },
      Crypto: { before: 1, after: 1, agreed: 1 },
    });
    expect(report.confusion).toEqual({ Stock: { SEC: 1, Stock: 1 }, Crypto: { Crypto: 1 } });
    expect(report.changes).toEqual([
      { articleId: 'a1', title: 'SEC probes a broker', from: 'Stock', to: 'SEC', score: 0.7 },
    ]);
    expect(report.fromVersions).toEqual({ aaaaaaaaaaaa: 2, unknown: 1 });
    expect(report.toVersions).toEqual({ bbbbbbbbbbbb: 4 });
    expect(report.failures).toHaveLength(1);
    expect(report.applied).toBeNull();
  });
});
