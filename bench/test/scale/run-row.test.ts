import { describe, expect, it } from 'vitest';
import { runRow } from '../../src/scale/run-row.js';

const options = { slowMs: 100, historyDays: 3, historyCapPerDay: 100 };

describe('one scale row on the real services', () => {
  it('runs the farm’s articles through loader, classifier and aggregator and times the page', async () => {
    const row = await runRow(
      { feeds: 10, articles: 100, series: ['feeds'] },
      { ...options, tag: `t${Date.now().toString(36)}`, timeoutMs: 90_000 },
    );
    expect(row.error).toBeUndefined();
    expect(row.classified).toBe(100);
    expect(row.feedsOk).toBe(9);
    expect(row.feedsFailed).toBe(1);
    expect(row.maxInFlightPerHost).toBeGreaterThanOrEqual(1);
    expect(row.historyArticles).toBe(300);
    for (const n of [row.seconds, row.loaderPeakMb, row.aggregatorPeakMb, row.redisPeakMb, row.flowMs, row.finaliseMs])
      expect(n).toBeGreaterThan(0);
    expect(row.pageMs).not.toBeNull();
    expect(row.apiMs).not.toBeNull();
  }, 120_000);

  it('fails a row that overruns its time with a message, instead of hanging', async () => {
    const row = await runRow(
      { feeds: 10, articles: 100, series: ['feeds'] },
      { ...options, tag: `u${Date.now().toString(36)}`, timeoutMs: 1 },
    );
    expect(row.error).toMatch(/was not written in time/);
    expect(row.classified).toBe(0);
    // What was measured before it stopped is kept.
    expect(row.loaderPeakMb).toBeGreaterThan(0);
    expect(row.redisPeakMb).toBeGreaterThan(0);
  }, 120_000);
});
