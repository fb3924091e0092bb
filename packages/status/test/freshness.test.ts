import type { RunSummary, ScheduleRecord } from '@tidings/shared';
import { buildFeedReport, buildRun } from '@tidings/testing';
import { describe, expect, it } from 'vitest';
import { findProblems, isSuccessfulRun, judgeFreshness } from '../src/index.js';

const summary = (fields: Parameters<typeof buildRun>[0]): RunSummary => {
  const { topics: _topics, ...rest } = buildRun(fields);
  return rest;
};

const record: ScheduleRecord = {
  cron: '0 6 * * *',
  tz: 'UTC',
  catchUpMaxAgeMs: 86_400_000,
  freshnessGraceMs: 2 * 3_600_000,
  since: Date.parse('2026-11-01T00:00:00Z'),
};
const yesterdays = summary({
  id: 'daily-2026-12-06T060000Z',
  trigger: 'schedule',
  startedAt: '2026-12-06T06:00:01.000Z',
  durationMs: 60_000,
  feeds: [buildFeedReport()],
});
const judge = (now: string, lastSuccessful: RunSummary | null = yesterdays, r = record) =>
  judgeFreshness({ record: r, lastSuccessful, now: new Date(now) });

describe('freshness', () => {
  it('is not late within FRESHNESS_GRACE of the due time, and shows the last and next due times', () => {
    const { schedule, problem } = judge('2026-12-07T07:59:00Z');
    expect(problem).toBeNull();
    expect(schedule).toEqual({
      cron: '0 6 * * *',
      tz: 'UTC',
      freshnessGraceMs: 7_200_000,
      lastDueAt: '2026-12-07T06:00:00.000Z',
      nextDueAt: '2026-12-08T06:00:00.000Z',
      lastSuccessfulRun: { id: 'daily-2026-12-06T060000Z', finishedAt: '2026-12-06T06:01:01.000Z' },
    });
  });

  it('is late once the grace has passed with no successful run started since the due time', () => {
    const { problem } = judge('2026-12-07T08:00:01Z');
    expect(problem).toMatchObject({
      kind: 'run-late',
      where: 'DIGEST_CRON "0 6 * * *" (UTC)',
      since: '2026-12-07T06:00:00.000Z',
    });
    expect(problem?.message).toContain(
      'the run due at 2026-12-07T06:00:00.000Z has not finished 2 h (FRESHNESS_GRACE)',
    );
    expect(problem?.message).toContain('daily-2026-12-06T060000Z, finished 2026-12-06T06:01:01.000Z');
    // Still late the next morning, before that day's grace is over: no day quietly drops out.
    expect(judge('2026-12-08T07:00:00Z').problem?.since).toBe('2026-12-07T06:00:00.000Z');
  });

  it('a late catch-up run or a requested run started after the due time makes it fresh again', () => {
    const late = summary({ id: 'daily-2026-12-07T060000Z', trigger: 'schedule', startedAt: '2026-12-07T09:00:00Z' });
    expect(judge('2026-12-07T10:00:00Z', late).problem).toBeNull();
    const requested = summary({ id: 'manual-x', trigger: 'manual', startedAt: '2026-12-07T09:30:00Z' });
    expect(judge('2026-12-07T10:00:00Z', requested).problem).toBeNull();
  });

  it('never calls a due time from before the deployment late, nor a stack that never ran', () => {
    const fresh = { ...record, since: Date.parse('2026-12-07T10:00:00Z') };
    expect(judge('2026-12-07T11:00:00Z', null, fresh).problem).toBeNull();
    expect(judge('2026-12-08T08:30:00Z', null, fresh).problem?.message).toContain('no run has succeeded yet');
  });

  it('counts scheduled and requested runs, not reclassify runs nor runs whose every feed failed', () => {
    const failed = buildFeedReport({ status: 'failed', error: { code: 'FEED_TIMEOUT', message: 'timed out' } });
    expect(isSuccessfulRun(yesterdays)).toBe(true);
    expect(isSuccessfulRun(summary({ trigger: 'manual', feeds: [failed, buildFeedReport()] }))).toBe(true);
    expect(isSuccessfulRun(summary({ trigger: 'manual', feeds: [failed, failed] }))).toBe(false);
    expect(isSuccessfulRun(summary({ trigger: 'reclassify' as RunSummary['trigger'] }))).toBe(false);
  });

  it('findProblems lists the late digest with the others', () => {
    const late = judge('2026-12-07T09:00:00Z').problem;
    const problems = findProblems({
      recorded: [],
      queues: {},
      workers: [],
      runs: [],
      failedDeliveries: [],
      disabledWebhooks: [],
      late,
    });
    expect(problems.map((p) => p.kind)).toEqual(['run-late']);
  });
});
