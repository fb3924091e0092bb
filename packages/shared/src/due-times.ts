/**
 * When the daily schedule was due, worked out from DIGEST_CRON itself rather than from what
 * Redis still holds: BullMQ keeps only the scheduler's next job, which a loader down at the
 * time or a Redis that came back without it (bullmq#2151) loses. The loaders start a missed
 * run from these times, and status judges freshness by them.
 */
import { CronExpressionParser } from 'cron-parser';
import { z } from 'zod';
import { DAILY_SCHEDULER_ID } from './queues.js';
import { runIdForJob } from './run-flow.js';

/** DIGEST_CRON in DIGEST_TZ. */
export interface Schedule {
  cron: string;
  tz: string;
}

// Parsed as BullMQ's scheduler parses it (not strict), so both agree on every due time.
const cronFrom = (schedule: Schedule, at: Date) =>
  CronExpressionParser.parse(schedule.cron, { tz: schedule.tz, currentDate: at, strict: false });

/** The newest time the schedule was due at or before `at`; null when the pattern has none. */
export function lastDueAt(schedule: Schedule, at: Date): Date | null {
  try {
    // prev() leaves out the current date itself; a millisecond on, a due time exactly at `at` counts.
    return cronFrom(schedule, new Date(at.getTime() + 1))
      .prev()
      .toDate();
  } catch {
    return null;
  }
}

/** The first time the schedule is due after `at`; null when the pattern has none. */
export function nextDueAt(schedule: Schedule, at: Date): Date | null {
  try {
    return cronFrom(schedule, at).next().toDate();
  } catch {
    return null;
  }
}

/**
 * The times the schedule was due after `after` and at or before `until`, newest first, at
 * most `limit` of them: a pattern due every few seconds over a long outage has more than
 * anyone reads, so `more` says that older ones were left out.
 */
export function dueTimesBetween(
  schedule: Schedule,
  after: Date,
  until: Date,
  limit = 100,
): { times: Date[]; more: boolean } {
  const times: Date[] = [];
  const cron = cronFrom(schedule, new Date(until.getTime() + 1));
  for (;;) {
    let due: Date;
    try {
      due = cron.prev().toDate();
    } catch {
      return { times, more: false };
    }
    if (due <= after) return { times, more: false };
    if (times.length === limit) return { times, more: true };
    times.push(due);
  }
}

/** The id of the run due at `due`: the one the scheduler's own job for that time names (runIdForJob). */
export function scheduledRunId(due: Date): string {
  return runIdForJob(`repeat:${DAILY_SCHEDULER_ID}:${due.getTime()}`);
}

const SCHEDULED_RUN_ID = /^daily-(\d{4}-\d{2}-\d{2})T(\d{2})(\d{2})(\d{2})Z$/;

/** The due time a scheduled run's id names; null for any other run. */
export function dueTimeOfRun(runId: string): Date | null {
  const m = SCHEDULED_RUN_ID.exec(runId);
  if (!m) return null;
  const due = new Date(`${m[1]}T${m[2]}:${m[3]}:${m[4]}Z`);
  return Number.isNaN(due.getTime()) ? null : due;
}

const millis = z.string().regex(/^\d+$/, { message: 'not epoch milliseconds' }).transform(Number);

/**
 * The loaders' record of the schedule (redisKeys().schedule, a hash of strings): the settings
 * they run it with, so status judges freshness by the loaders' schedule rather than by the
 * configuration of whoever asks, when they began to keep it, and the newest due time a run
 * was started for.
 */
export const ScheduleRecordSchema = z.object({
  cron: z.string().min(1),
  tz: z.string().min(1),
  catchUpMaxAgeMs: millis,
  freshnessGraceMs: millis,
  /** When a loader first kept the record: a due time before it belongs to no deployment. */
  since: millis,
  /** The newest due time a run was started, or found started, for. */
  handled: millis.optional(),
});
export type ScheduleRecord = z.infer<typeof ScheduleRecordSchema>;
