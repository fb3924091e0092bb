import {
  lastDueAt,
  nextDueAt,
  type Problem,
  type RunSummary,
  type ScheduleRecord,
  type ScheduleStatus,
} from '@tidings/shared';

/**
 * A run that brings the digest up to date: started by the schedule or a request (a reclassify
 * run re-scores stored articles and reads no feed), finished, and not failing every feed.
 */
export function isSuccessfulRun(run: RunSummary): boolean {
  if (run.trigger !== 'schedule' && run.trigger !== 'manual') return false;
  return run.feeds.length === 0 || run.feeds.some((feed) => feed.status !== 'failed');
}

export interface FreshnessInputs {
  /** The loaders' record of the schedule (cron, zone, grace, since). */
  record: ScheduleRecord;
  /** The newest successful run (isSuccessfulRun), if any. */
  lastSuccessful: RunSummary | null;
  now: Date;
}

/**
 * The schedule as it stands, and whether the digest is late: the newest due time whose
 * FRESHNESS_GRACE has passed must have a successful run started at or after it. Due times
 * from before the loaders first kept the record belong to no deployment, so they are never late.
 */
export function judgeFreshness({ record, lastSuccessful, now }: FreshnessInputs): {
  schedule: ScheduleStatus;
  problem: Problem | null;
} {
  const graceMs = record.freshnessGraceMs;
  const schedule: ScheduleStatus = {
    cron: record.cron,
    tz: record.tz,
    freshnessGraceMs: graceMs,
    lastDueAt: lastDueAt(record, now)?.toISOString() ?? null,
    nextDueAt: nextDueAt(record, now)?.toISOString() ?? null,
    lastSuccessfulRun: lastSuccessful ? { id: lastSuccessful.id, finishedAt: lastSuccessful.finishedAt } : null,
  };
  const due = lastDueAt(record, new Date(now.getTime() - graceMs));
  if (!due || due.getTime() < record.since) return { schedule, problem: null };
  if (lastSuccessful && Date.parse(lastSuccessful.startedAt) >= due.getTime()) return { schedule, problem: null };
  const last = lastSuccessful
    ? `the last successful run, ${lastSuccessful.id}, finished ${lastSuccessful.finishedAt}`
    : 'no run has succeeded yet';
  return {
    schedule,
    problem: {
      kind: 'run-late',
      message: `the run due at ${due.toISOString()} has not finished ${formatSpan(graceMs)} (FRESHNESS_GRACE) after it was due; ${last}. Check that a loader, a classifier and an aggregator run (\`tidings status\`), or start one with \`tidings run\``,
      where: `DIGEST_CRON "${record.cron}" (${record.tz})`,
      since: due.toISOString(),
    },
  };
}

function formatSpan(ms: number): string {
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000} h`;
  if (ms % 60_000 === 0) return `${ms / 60_000} min`;
  return `${ms / 1000} s`;
}
