import fs from 'node:fs';
import { type Logger, type RedisConnection, recordProblem } from '@tidings/runtime';
import {
  type Config,
  DAILY_SCHEDULER_ID,
  DEFAULT_JOB_OPTIONS,
  dueTimeOfRun,
  JOB,
  type KeySpace,
  luaCommand,
  QUEUE,
  type RunRequestJob,
  redisKeys,
  ScheduleRecordSchema,
  scheduledRunId,
} from '@tidings/shared';
import type { TopicStoreReader } from '@tidings/topic-store';
import type { Queue } from 'bullmq';
import { type CatchUpPlan, planCatchUp } from './catch-up-plan.js';

const MARK = fs.readFileSync(new URL('./commands/mark-due-handled.lua', import.meta.url), 'utf8');

/** The id of the problem a loader records for due times missed too long ago to run. */
export const MISSED_RUN_PROBLEM = 'missed-run';

/** Stored runs read for the newest scheduled one when the schedule's record is gone. */
const EVIDENCE_RUNS = 50;

export interface ScheduleCatchUpDeps {
  redis: RedisConnection;
  space: KeySpace;
  feedsQueue: Queue;
  aggregateQueue: Queue;
  store: Pick<TopicStoreReader, 'hasRun' | 'runs'>;
  schedule: Config['schedule'];
  logger: Logger;
}

export interface CatchUpOutcome {
  plan: CatchUpPlan;
  /** The run id of the catch-up job added (or found added by another loader); null when none was needed. */
  started: string | null;
  /** The missed due times reported as a problem, not run. */
  reported: Date[];
}

/**
 * The loaders' own record of the daily schedule, and the catch-up that reads it: at start and
 * whenever Redis comes back, a due time that no run was started for is started once (as a
 * "feeds" job whose id is the scheduled run's id, so however many loaders add it, and whether
 * or not the scheduler's own job for that time still fires, it is one run), if it was due
 * within CATCH_UP_MAX_AGE; older ones are reported as a problem.
 */
export class ScheduleCatchUp {
  private readonly key: string;
  private readonly markScript;
  private running: Promise<void> | undefined;
  private again = false;

  constructor(private readonly deps: ScheduleCatchUpDeps) {
    this.key = redisKeys(deps.space).schedule;
    this.markScript = luaCommand<number>(deps.redis, 'tidingsMarkDueHandled', MARK);
  }

  /** Marks the due time a scheduled run's id names as handled, once its run is started. */
  async markStarted(runId: string): Promise<void> {
    const due = dueTimeOfRun(runId);
    if (due) await this.markScript([this.key], [due.getTime()]);
  }

  /**
   * Catches up, one pass at a time: a request while a pass runs makes one more pass after it
   * (Redis may have come back, or gone again, in between). Failures are logged, never thrown:
   * the next reconnect tries again.
   */
  request(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      do {
        this.again = false;
        try {
          await this.catchUp();
        } catch (err) {
          this.deps.logger.warn(
            { err: (err as Error).message },
            'could not catch up on the schedule; tried again when Redis comes back',
          );
        }
      } while (this.again);
    })().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  /** Waits for a pass in progress, for a clean close. */
  async settled(): Promise<void> {
    await this.running;
  }

  async catchUp(now = new Date()): Promise<CatchUpOutcome> {
    const { schedule, logger } = this.deps;
    const handledUpTo = await this.keepRecord(now);
    const plan = planCatchUp({ schedule, handledUpTo, now, maxAgeMs: schedule.catchUpMaxAgeMs });
    const { started, pending } = plan.run ? await this.startMissed(plan.run) : { started: null, pending: false };
    if (plan.covered.length > 0)
      logger.info(
        { runId: started, covered: plan.covered.map((d) => d.toISOString()) },
        'earlier missed due times are covered by the catch-up run: it reads the feeds as they are now',
      );
    const reported = await this.stillMissed(plan.tooOld);
    if (reported.length > 0) await this.report(reported, plan.more);
    // A due time whose run rests on a pending scheduler job stays unhandled: another loader's
    // upsert may yet remove that job, and that loader's catch-up must then find the time missed.
    if (plan.newest && !pending) await this.markScript([this.key], [plan.newest.getTime()]);
    return { plan, started, reported };
  }

  /**
   * Writes the schedule's settings for status to read and returns the newest due time known
   * handled. Without a record (a new deployment, or a Redis that came back without it) that is
   * the newest stored scheduled run's due time, or now when there is none: due times from
   * before the deployment were never missed. A changed pattern starts afresh the same way.
   */
  private async keepRecord(now: Date): Promise<Date> {
    const { redis, schedule, logger } = this.deps;
    const stored = ScheduleRecordSchema.safeParse(await redis.hgetall(this.key));
    const same = stored.success && stored.data.cron === schedule.cron && stored.data.tz === schedule.tz;
    let handledUpTo: Date;
    if (same && stored.data.handled !== undefined) handledUpTo = new Date(stored.data.handled);
    else if (stored.success && !same) {
      logger.info(
        { was: stored.data.cron, cron: schedule.cron },
        'the schedule changed: its earlier due times are not caught up',
      );
      handledUpTo = now;
      // Nor is the new pattern late for a time it was due before it was set.
      await redis.hset(this.key, { handled: now.getTime(), since: now.getTime() });
    } else handledUpTo = (await this.newestStoredDue()) ?? now;
    await redis
      .multi()
      .hset(this.key, {
        cron: schedule.cron,
        tz: schedule.tz,
        catchUpMaxAgeMs: schedule.catchUpMaxAgeMs,
        freshnessGraceMs: schedule.freshnessGraceMs,
      })
      .hsetnx(this.key, 'since', Math.min(handledUpTo.getTime(), now.getTime()))
      .exec();
    return handledUpTo;
  }

  private async newestStoredDue(): Promise<Date | null> {
    const { runs } = await this.deps.store.runs({ limit: EVIDENCE_RUNS });
    const dues = runs.flatMap((r) => dueTimeOfRun(r.id) ?? []);
    return dues.length > 0 ? new Date(Math.max(...dues.map((d) => d.getTime()))) : null;
  }

  private async alreadyStarted(runId: string): Promise<boolean> {
    return (await this.deps.aggregateQueue.getJob(runId)) !== undefined || (await this.deps.store.hasRun(runId));
  }

  /**
   * Adds the catch-up job for a missed due time unless its run exists or the scheduler's own
   * job runs or ran it; `pending` when that job still waits (it starts the run, unless an upsert removes it first).
   */
  private async startMissed(due: Date): Promise<{ started: string | null; pending: boolean }> {
    const { feedsQueue, logger } = this.deps;
    const runId = scheduledRunId(due);
    const own = await feedsQueue.getJob(`repeat:${DAILY_SCHEDULER_ID}:${due.getTime()}`);
    const state = own ? await own.getState() : 'missing';
    if (state === 'waiting' || state === 'delayed' || state === 'prioritized') return { started: null, pending: true };
    // Active, the scheduler's job is starting the run; completed, it has.
    if (state === 'active' || state === 'completed') return { started: null, pending: false };
    if (await this.alreadyStarted(runId)) return { started: null, pending: false };
    const data: RunRequestJob = { trigger: 'schedule', reclassify: false };
    await feedsQueue.add(JOB.startRun, data, { ...DEFAULT_JOB_OPTIONS[QUEUE.runRequests], jobId: runId });
    logger.warn(
      { runId, dueAt: due.toISOString(), schedulerJob: state },
      'a scheduled run was missed (no loader ran, or Redis lost its job): started it now',
    );
    return { started: runId, pending: false };
  }

  /** The due times of `tooOld` whose run does not exist after all. */
  private async stillMissed(tooOld: Date[]): Promise<Date[]> {
    const started = await Promise.all(tooOld.map((due) => this.alreadyStarted(scheduledRunId(due))));
    return tooOld.filter((_, i) => !started[i]);
  }

  private async report(missed: Date[], more: boolean): Promise<void> {
    const { redis, space, schedule, logger } = this.deps;
    const newest = missed[0]?.toISOString();
    const oldest = missed.at(-1)?.toISOString();
    const count = `${missed.length}${more ? ' or more' : ''}`;
    const message = `${count} scheduled run(s) due from ${oldest} to ${newest} never started (no loader ran, or Redis lost their jobs) and were due longer than CATCH_UP_MAX_AGE (${schedule.catchUpMaxAgeMs / 3_600_000} h) ago, so they were not run: \`tidings run\` reads the feeds now, whatever they still carry`;
    logger.warn({ missed: missed.map((d) => d.toISOString()), more }, message);
    await recordProblem(redis, space, MISSED_RUN_PROBLEM, {
      kind: 'missed-run',
      message,
      where: `DIGEST_CRON "${schedule.cron}" (${schedule.tz})`,
      since: oldest,
    });
  }
}
