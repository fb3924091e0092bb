/**
 * No silent gaps: a scheduled run that no loader could start at its due time is started once
 * afterwards. Three scenarios, each with a schedule due once, about 20 s after the stack starts
 * (a cron pattern naming that second), and real loader, classifier and aggregator processes:
 *
 * 13: the loader is stopped across the due time, the scheduler's pending job staying in Redis;
 *     two loaders then start at once, and the missed run is started once.
 * 14: two loaders run; before the due time the scheduler's pending job is removed (the job a
 *     Redis can come back without, bullmq#2151) and redis-server is stopped, then started again
 *     from its append-only file after the due time; the loaders reconnect and start the missed
 *     run once, though Redis holds no job for it.
 * 15: both at once: the loader stopped across the due time, and Redis restarted meanwhile
 *     from an append-only file without the pending job; two loaders then start at once.
 *
 * Importing this module registers the three with the fault suite (one line in run-faults.ts).
 */
import path from 'node:path';
import { writeGeneratedFeed } from '@tidings/feed-fixtures';
import { DAILY_SCHEDULER_ID, QUEUE, redisKeys, scheduledRunId } from '@tidings/shared';
import { type ServiceProcess, waitFor } from '@tidings/testing';
import { FaultStack, type Row } from './fault-stack.js';
import { FAULTS, SCENARIOS, type Scenario } from './scenarios.js';

const ARTICLES = 12;
/** How far ahead of the stack's start the schedule is due: room for a loader to start on a busy machine. */
const LEAD_MS = 20_000;

/** A cron pattern (with seconds) due at `at` and then not for a year. */
function patternAt(at: Date): string {
  return `${at.getUTCSeconds()} ${at.getUTCMinutes()} ${at.getUTCHours()} ${at.getUTCDate()} ${at.getUTCMonth() + 1} *`;
}

/** The next whole second at least LEAD_MS from now. */
function dueSoon(): Date {
  return new Date(Math.ceil((Date.now() + LEAD_MS) / 1000) * 1000);
}

const sleepUntil = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms - Date.now())));

async function withStack(body: (c: FaultStack, due: Date, env: Record<string, string>) => Promise<Row>) {
  const due = dueSoon();
  const stack = await new FaultStack({ DIGEST_CRON: patternAt(due), DIGEST_TZ: 'UTC' }).start();
  try {
    const env = { FEED_URLS: writeGeneratedFeed(path.join(stack.dir, 'f.xml'), ARTICLES, { tag: 'f' }) };
    return await body(stack, due, env);
  } finally {
    await stack.stop();
  }
}

/** The scheduler's own job for the due time, as BullMQ names it. */
const ownJobId = (due: Date) => `repeat:${DAILY_SCHEDULER_ID}:${due.getTime()}`;

/** Up once its scheduler waits for the due time and it has kept the schedule's record. */
async function waitForSchedule(c: FaultStack, due: Date): Promise<void> {
  await waitFor(
    async () =>
      ((await c.runRequests.getJob(ownJobId(due))) !== undefined &&
        (await c.client.hexists(redisKeys(c.prefix).schedule, 'handled')) === 1) ||
      undefined,
    { what: 'the loader to schedule the due time', timeoutMs: LEAD_MS },
  );
}

/** What started the run: the ids of the "feeds" jobs that named it, and how many store writes it had. */
async function startsOf(c: FaultStack, runId: string) {
  const loads = await c.runRequests.getJobs(['completed', 'failed', 'active', 'waiting', 'delayed'], 0, 100);
  const starters = loads.filter((j) => j.returnvalue?.runId === runId || j.id === runId).map((j) => j.id ?? '');
  const written = (await c.aggregate.getJobs(['completed'], 0, 100)).filter((j) => j.returnvalue?.written).length;
  const stored = (await c.store.runs({ limit: 100 })).total;
  return { starters, written, stored };
}

/** Whether a service process has ended, by its own exit or by a signal (a stop that outlasts its grace is a SIGKILL). */
const ended = (service: ServiceProcess) => service.child.exitCode !== null || service.child.signalCode !== null;

const caughtUpBy = (loaders: ServiceProcess[]) =>
  loaders.filter((l) => l.output().includes('a scheduled run was missed')).length;

/** Removes the scheduler's pending job as a lost write would (BullMQ refuses to remove a scheduler's job). */
async function losePendingJob(c: FaultStack, due: Date): Promise<void> {
  const key = `${c.prefix}:${QUEUE.runRequests}`;
  await c.client
    .multi()
    .zrem(`${key}:delayed`, ownJobId(due))
    .del(`${key}:${ownJobId(due)}`)
    .exec();
}

/**
 * Stops redis-server and starts it again from its append-only file; returns whether it was
 * restarted, and when it stopped.
 */
async function restartRedis(c: FaultStack, until: number): Promise<{ restarted: boolean; stoppedAt: number }> {
  const before = c.redis.process;
  const stoppedAt = Date.now();
  await c.redis.stop();
  const down = before.exitCode !== null || before.signalCode !== null;
  await sleepUntil(until);
  await c.startRedis();
  return { restarted: down && c.redis.process.pid !== before.pid, stoppedAt };
}

/**
 * Whether Redis came back holding the scheduler's job for the due time from before it stopped.
 * A loader that reconnects first upserts the scheduler at once, which may add a job of that
 * id anew: only one older than the stop is one the append-only file kept.
 */
async function cameBackWithJob(c: FaultStack, due: Date, stoppedAt: number): Promise<boolean> {
  const job = await c.runRequests.getJob(ownJobId(due));
  return job !== undefined && job.timestamp < stoppedAt;
}

/** The checks every catch-up scenario makes of its outcome: the missed run stored once, started by one job. */
async function outcome(
  c: FaultStack,
  name: string,
  due: Date,
  facts: { problems: string[]; note: () => string; byCatchUp: boolean },
) {
  const runId = scheduledRunId(due);
  const run = await c.waitForRun(runId, 120_000);
  await waitFor(async () => (await c.aggregate.getCompletedCount()) >= 1 || undefined, {
    what: 'the run to complete',
  }).catch(() => undefined);
  const { starters, written, stored } = await startsOf(c, runId);
  const { problems } = facts;
  const check = (ok: boolean, problem: string) => void (ok || problems.push(problem));
  check(stored === 1 && written === 1, `${stored} runs stored, ${written} store writes: not the missed run once`);
  check(starters.length === 1, `started by ${starters.length} jobs (${starters.join(', ')}), not one`);
  if (facts.byCatchUp) check(starters[0] === runId, `started by ${starters[0]}, not by the catch-up job ${runId}`);
  return c.measure(name, [run], ARTICLES, {
    problems,
    note: `due ${due.toISOString()}; ${facts.note()}; started by ${starters.join(', ') || 'nothing'}`,
  });
}

const STOPPED = '13 a stack stopped across its scheduled time runs the missed day once at start';
const LOST = "14 Redis restarted from its AOF without the scheduler's pending job";
const BOTH = '15 a stack stopped across its scheduled time, Redis back without the pending job';

const stopped: Scenario = {
  name: STOPPED,
  run: () =>
    withStack(async (c, due, env) => {
      c.spawn('classifier', env);
      c.spawn('aggregator', env);
      const first = c.spawn('loader', env);
      await waitForSchedule(c, due);
      const stoppedBefore = Date.now() < due.getTime();
      if (FAULTS.inject) await first.stop('SIGTERM');
      await sleepUntil(due.getTime() + 2_000);
      const pendingAtStart = await (await c.runRequests.getJob(ownJobId(due)))?.getState();
      const problems: string[] = [];
      if (!(stoppedBefore && ended(first))) problems.push('no loader was down at the due time');
      if (pendingAtStart !== 'delayed' && pendingAtStart !== 'waiting')
        problems.push(`the scheduler's job was ${pendingAtStart} at start, not pending`);
      const loaders = FAULTS.inject ? [c.spawn('loader', env), c.spawn('loader', env)] : [first];
      return outcome(c, STOPPED, due, {
        problems,
        byCatchUp: false,
        note: () =>
          `two loaders started after it, the scheduler's job still pending; ${caughtUpBy(loaders)} loader(s) added a catch-up job`,
      });
    }),
};

const lost: Scenario = {
  name: LOST,
  run: () =>
    withStack(async (c, due, env) => {
      c.spawn('classifier', env);
      c.spawn('aggregator', env);
      const loaders = [c.spawn('loader', env), c.spawn('loader', env)];
      await waitForSchedule(c, due);
      let restart = { restarted: false, stoppedAt: Date.now() };
      if (FAULTS.inject) {
        await losePendingJob(c, due);
        restart = await restartRedis(c, due.getTime() + 2_000);
      } else await sleepUntil(due.getTime() + 2_000);
      const problems: string[] = [];
      if (!restart.restarted) problems.push('redis-server was not down across the due time');
      if (await cameBackWithJob(c, due, restart.stoppedAt))
        problems.push("Redis came back with the scheduler's job for the due time");
      const result = await outcome(c, LOST, due, {
        problems,
        // The running loaders reconnect while the catch-up decides: the run is started once
        // either by the catch-up job or by the scheduler's job their upsert adds anew.
        byCatchUp: false,
        note: () =>
          `redis-server down across it, back without its job; ${caughtUpBy(loaders)} of 2 running loaders added the catch-up job`,
      });
      if (c.running() !== 4) result.problems.push(`${c.running()} of the 4 service processes still run`);
      return result;
    }),
};

const both: Scenario = {
  name: BOTH,
  run: () =>
    withStack(async (c, due, env) => {
      c.spawn('classifier', env);
      c.spawn('aggregator', env);
      const first = c.spawn('loader', env);
      await waitForSchedule(c, due);
      let restart = { restarted: false, stoppedAt: Date.now() };
      if (FAULTS.inject) {
        await first.stop('SIGTERM');
        await losePendingJob(c, due);
        restart = await restartRedis(c, due.getTime() + 2_000);
      } else await sleepUntil(due.getTime() + 2_000);
      const problems: string[] = [];
      if (!restart.restarted || !ended(first)) problems.push('the loader and Redis were not down across the due time');
      if (await cameBackWithJob(c, due, restart.stoppedAt))
        problems.push("Redis came back with the scheduler's job for the due time");
      const loaders = FAULTS.inject ? [c.spawn('loader', env), c.spawn('loader', env)] : [first];
      return outcome(c, BOTH, due, {
        problems,
        byCatchUp: true,
        note: () =>
          `two loaders started after it, Redis holding no job for it; ${caughtUpBy(loaders)} of them added the catch-up job`,
      });
    }),
};

export const CATCH_UP_SCENARIOS: Scenario[] = [stopped, lost, both];
SCENARIOS.push(...CATCH_UP_SCENARIOS);
