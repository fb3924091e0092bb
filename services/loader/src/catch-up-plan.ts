import { dueTimesBetween, lastDueAt, type Schedule } from '@tidings/shared';

/** What a loader does about the due times it finds missed at start or when Redis comes back. */
export interface CatchUpPlan {
  /** The newest missed due time, when it was due at most CATCH_UP_MAX_AGE ago: its run is started. */
  run: Date | null;
  /**
   * Missed due times within CATCH_UP_MAX_AGE but older than `run`: one run reads the feeds as
   * they are now, so the run of `run` brings their articles too; a second would find none new.
   */
  covered: Date[];
  /** Missed due times older than CATCH_UP_MAX_AGE, newest first: reported, not run. */
  tooOld: Date[];
  /** More due times were missed than listed (a pattern due every few seconds over a long gap). */
  more: boolean;
  /** The newest due time at or before now: the schedule's record is handled up to it once this plan is done. */
  newest: Date | null;
}

/** Due times listed per gap; beyond it a gap is reported by its count only ("more"). */
export const CATCH_UP_LISTED = 100;

/**
 * Which due times after `handledUpTo` were missed, and which of them to run: the newest, if it
 * is recent enough, and none of the others. Pure, so every loader that starts at the same
 * moment plans the same run (whose id then makes it one run).
 */
export function planCatchUp(input: {
  schedule: Schedule;
  /** The newest due time known handled (started, or from before the deployment). */
  handledUpTo: Date;
  now: Date;
  maxAgeMs: number;
}): CatchUpPlan {
  const { schedule, handledUpTo, now, maxAgeMs } = input;
  const newest = lastDueAt(schedule, now);
  const { times, more } = dueTimesBetween(schedule, handledUpTo, now, CATCH_UP_LISTED);
  const recent = (due: Date) => now.getTime() - due.getTime() <= maxAgeMs;
  const [first, ...rest] = times;
  const run = first && recent(first) ? first : null;
  return {
    run,
    covered: run ? rest.filter(recent) : [],
    tooOld: (run ? rest : times).filter((due) => !recent(due)),
    more,
    newest,
  };
}
