import { describe, expect, it } from 'vitest';
import {
  DAILY_SCHEDULER_ID,
  dueTimeOfRun,
  dueTimesBetween,
  lastDueAt,
  nextDueAt,
  runIdForJob,
  ScheduleRecordSchema,
  scheduledRunId,
} from '../src/index.js';

const daily = { cron: '0 6 * * *', tz: 'UTC' };
const at = (iso: string) => new Date(iso);

describe('due times of the schedule', () => {
  it('finds the newest due time, counting one exactly now', () => {
    expect(lastDueAt(daily, at('2026-12-07T05:59:59.999Z'))).toEqual(at('2026-12-06T06:00:00Z'));
    expect(lastDueAt(daily, at('2026-12-07T06:00:00.000Z'))).toEqual(at('2026-12-07T06:00:00Z'));
    expect(nextDueAt(daily, at('2026-12-07T06:00:00.000Z'))).toEqual(at('2026-12-08T06:00:00Z'));
  });

  it('reads the pattern in its time zone, across a change of summer time', () => {
    const berlin = { cron: '0 6 * * *', tz: 'Europe/Berlin' };
    // 06:00 in Berlin is 04:00 UTC in summer (CEST), 05:00 in winter.
    expect(lastDueAt(berlin, at('2026-07-01T12:00:00Z'))).toEqual(at('2026-07-01T04:00:00Z'));
    expect(lastDueAt(berlin, at('2026-12-01T12:00:00Z'))).toEqual(at('2026-12-01T05:00:00Z'));
    expect(lastDueAt(berlin, at('2026-03-29T12:00:00Z'))).toEqual(at('2026-03-29T04:00:00Z'));
  });

  it('lists the due times of a gap newest first, after its start and up to its end', () => {
    const { times, more } = dueTimesBetween(daily, at('2026-12-04T06:00:00Z'), at('2026-12-07T07:00:00Z'));
    expect(times).toEqual([at('2026-12-07T06:00:00Z'), at('2026-12-06T06:00:00Z'), at('2026-12-05T06:00:00Z')]);
    expect(more).toBe(false);
    expect(dueTimesBetween(daily, at('2026-12-07T06:00:00Z'), at('2026-12-07T12:00:00Z')).times).toEqual([]);
  });

  it('stops at its limit and says more were due', () => {
    const everyTenSeconds = { cron: '*/10 * * * * *', tz: 'UTC' };
    const gap = dueTimesBetween(everyTenSeconds, at('2026-12-01T00:00:00Z'), at('2026-12-07T00:00:00Z'), 5);
    expect(gap.times).toHaveLength(5);
    expect(gap.times[0]).toEqual(at('2026-12-07T00:00:00Z'));
    expect(gap.more).toBe(true);
  });

  it("names a due time's run as the scheduler's own job does, and reads the time back", () => {
    const due = at('2026-12-07T06:00:00Z');
    expect(scheduledRunId(due)).toBe(runIdForJob(`repeat:${DAILY_SCHEDULER_ID}:${due.getTime()}`));
    expect(scheduledRunId(due)).toBe('daily-2026-12-07T060000Z');
    expect(dueTimeOfRun(scheduledRunId(due))).toEqual(due);
    expect(dueTimeOfRun('manual-2026-12-07T060000Z-abc123')).toBeNull();
    expect(dueTimeOfRun('daily-2026-13-07T060000Z')).toBeNull();
  });

  it("reads the loaders' record of the schedule from Redis strings, refusing one that is not", () => {
    const hash = {
      cron: '0 6 * * *',
      tz: 'UTC',
      catchUpMaxAgeMs: '86400000',
      freshnessGraceMs: '7200000',
      since: '1765000000000',
    };
    const record = ScheduleRecordSchema.parse(hash);
    expect(record).toMatchObject({ catchUpMaxAgeMs: 86_400_000, since: 1_765_000_000_000 });
    expect(record.handled).toBeUndefined();
    expect(ScheduleRecordSchema.safeParse({ ...hash, since: 'yesterday' }).success).toBe(false);
  });
});
