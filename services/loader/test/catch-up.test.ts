import { createLogger, recordedProblems } from '@tidings/runtime';
import {
  type Config,
  DAILY_SCHEDULER_ID,
  keySpaceOf,
  lastDueAt,
  QUEUE,
  redisKeys,
  ScheduleRecordSchema,
  scheduledRunId,
} from '@tidings/shared';
import { buildRun, CNBC_FIXTURE, testConfig, testRedis, waitFor } from '@tidings/testing';
import { TopicStoreReader, TopicStoreWriter } from '@tidings/topic-store';
import { Queue } from 'bullmq';
import { afterAll, describe, expect, it } from 'vitest';
import { planCatchUp } from '../src/catch-up-plan.js';
import { startLoader } from '../src/loader.js';
import { ScheduleCatchUp } from '../src/schedule-catch-up.js';

const logger = createLogger('test', { level: 'silent' });
const at = (iso: string) => new Date(iso);
const daily = { cron: '0 6 * * *', tz: 'UTC' };
const DAY = 86_400_000;

describe('planCatchUp (no Redis)', () => {
  it('a stack stopped across its due time runs that day once', () => {
    const plan = planCatchUp({
      schedule: daily,
      handledUpTo: at('2026-12-06T06:00:00Z'),
      now: at('2026-12-07T09:30:00Z'),
      maxAgeMs: DAY,
    });
    expect(plan).toEqual({
      run: at('2026-12-07T06:00:00Z'),
      covered: [],
      tooOld: [],
      more: false,
      newest: at('2026-12-07T06:00:00Z'),
    });
  });

  it('runs nothing when every due time was handled', () => {
    const plan = planCatchUp({
      schedule: daily,
      handledUpTo: at('2026-12-07T06:00:00Z'),
      now: at('2026-12-07T23:00:00Z'),
      maxAgeMs: DAY,
    });
    expect(plan.run).toBeNull();
    expect(plan.tooOld).toEqual([]);
  });

  it('runs the newest of three missed days and reports the two older than CATCH_UP_MAX_AGE', () => {
    const plan = planCatchUp({
      schedule: daily,
      handledUpTo: at('2026-12-04T06:00:00Z'),
      now: at('2026-12-07T07:00:00Z'),
      maxAgeMs: DAY,
    });
    expect(plan.run).toEqual(at('2026-12-07T06:00:00Z'));
    expect(plan.tooOld).toEqual([at('2026-12-06T06:00:00Z'), at('2026-12-05T06:00:00Z')]);
  });

  it('reports, and runs nothing, when even the newest missed time is too old', () => {
    const plan = planCatchUp({
      schedule: daily,
      handledUpTo: at('2026-12-06T06:00:00Z'),
      now: at('2026-12-07T09:00:00Z'),
      maxAgeMs: 2 * 3_600_000,
    });
    expect(plan.run).toBeNull();
    expect(plan.tooOld).toEqual([at('2026-12-07T06:00:00Z')]);
  });

  it('an hourly schedule down five hours runs once: the newest run covers the others', () => {
    const plan = planCatchUp({
      schedule: { cron: '0 * * * *', tz: 'UTC' },
      handledUpTo: at('2026-12-07T04:00:00Z'),
      now: at('2026-12-07T09:10:00Z'),
      maxAgeMs: DAY,
    });
    expect(plan.run).toEqual(at('2026-12-07T09:00:00Z'));
    expect(plan.covered).toHaveLength(4);
    expect(plan.tooOld).toEqual([]);
  });
});

const redis = testRedis();
const opened: { close(): Promise<unknown> }[] = [];
afterAll(async () => {
  for (const o of opened.reverse()) await o.close();
  await redis.quit();
});

function stack(env: Record<string, string> = {}) {
  const config = testConfig({ FEED_URLS: CNBC_FIXTURE, ...env });
  const space = keySpaceOf(config);
  const feeds = new Queue(QUEUE.runRequests, { connection: redis, prefix: config.prefix });
  const aggregate = new Queue(QUEUE.aggregate, { connection: redis, prefix: config.prefix });
  opened.push(feeds, aggregate);
  const store = new TopicStoreReader(redis, space);
  const catchUp = (c: Config = config) =>
    new ScheduleCatchUp({
      redis,
      space,
      feedsQueue: feeds,
      aggregateQueue: aggregate,
      store,
      schedule: c.schedule,
      logger,
    });
  const record = async () => ScheduleRecordSchema.parse(await redis.hgetall(redisKeys(space).schedule));
  const setHandled = (due: Date) => redis.hset(redisKeys(space).schedule, 'handled', due.getTime());
  return { config, space, feeds, aggregate, store, catchUp, record, setHandled };
}

const NOW = at('2026-12-07T09:30:00Z');
const TODAY = at('2026-12-07T06:00:00Z');
const YESTERDAY = at('2026-12-06T06:00:00Z');

describe('ScheduleCatchUp against Redis', () => {
  it('a new deployment catches up nothing and reports nothing; the record starts now', async () => {
    const s = stack();
    const outcome = await s.catchUp().catchUp(NOW);
    expect(outcome.started).toBeNull();
    expect(outcome.reported).toEqual([]);
    expect(await s.feeds.count()).toBe(0);
    expect(await s.record()).toMatchObject({ since: NOW.getTime(), handled: TODAY.getTime(), cron: '0 6 * * *' });
    expect(await recordedProblems(redis, s.space)).toEqual([]);
  });

  it('two loaders catching up together add one job for the missed day, named by its run id', async () => {
    const s = stack();
    await s.catchUp().catchUp(at('2026-12-06T09:00:00Z'));
    const outcomes = await Promise.all([s.catchUp().catchUp(NOW), s.catchUp().catchUp(NOW)]);
    expect(outcomes.map((o) => o.started)).toEqual([scheduledRunId(TODAY), scheduledRunId(TODAY)]);
    const jobs = await s.feeds.getJobs(['waiting']);
    expect(jobs.map((j) => j.id)).toEqual([scheduledRunId(TODAY)]);
    expect(jobs[0]?.data).toEqual({ trigger: 'schedule', reclassify: false });
    expect((await s.record()).handled).toBe(TODAY.getTime());
    // Caught up: a loader starting after it finds nothing missed.
    expect((await s.catchUp().catchUp(NOW)).started).toBeNull();
  });

  it('finds the missed day from the stored runs when Redis lost the record', async () => {
    const s = stack();
    await new TopicStoreWriter(redis, s.space).writeRun(
      buildRun({ id: scheduledRunId(YESTERDAY), trigger: 'schedule', startedAt: YESTERDAY.toISOString() }),
    );
    const outcome = await s.catchUp().catchUp(NOW);
    expect(outcome.started).toBe(scheduledRunId(TODAY));
    expect((await s.record()).since).toBe(YESTERDAY.getTime());
  });

  it("adds nothing while the scheduler's own job for the time still waits, or when the run exists", async () => {
    const s = stack();
    await s.catchUp().catchUp(at('2026-12-06T09:00:00Z'));
    await s.feeds.add(
      'load-feeds',
      { trigger: 'schedule', reclassify: false },
      {
        jobId: `repeat:${DAILY_SCHEDULER_ID}:${TODAY.getTime()}`,
        delay: 60_000,
      },
    );
    expect((await s.catchUp().catchUp(NOW)).started).toBeNull();
    // Not marked handled on the strength of a pending job: another loader's upsert may remove it
    // (as BullMQ's upsert does with a past-due delayed job), and then that loader starts the run.
    expect((await s.record()).handled).toBe(at('2026-12-06T06:00:00Z').getTime());
    const key = `${s.config.prefix}:${QUEUE.runRequests}`;
    const own = `repeat:${DAILY_SCHEDULER_ID}:${TODAY.getTime()}`;
    await redis.multi().zrem(`${key}:delayed`, own).del(`${key}:${own}`).exec();
    expect((await s.catchUp().catchUp(NOW)).started).toBe(scheduledRunId(TODAY));

    const t = stack();
    await t.catchUp().catchUp(at('2026-12-06T09:00:00Z'));
    await new TopicStoreWriter(redis, t.space).writeRun(
      buildRun({ id: scheduledRunId(TODAY), trigger: 'schedule', startedAt: TODAY.toISOString() }),
    );
    expect((await t.catchUp().catchUp(NOW)).started).toBeNull();
    expect(await t.feeds.count()).toBe(0);
  });

  it('reports the days missed longer than CATCH_UP_MAX_AGE ago as a problem and runs only the recent one', async () => {
    const s = stack();
    await s.catchUp().catchUp(at('2026-12-03T09:00:00Z'));
    const outcome = await s.catchUp().catchUp(NOW);
    expect(outcome.started).toBe(scheduledRunId(TODAY));
    expect(outcome.reported).toEqual([YESTERDAY, at('2026-12-05T06:00:00Z'), at('2026-12-04T06:00:00Z')]);
    const [problem] = await recordedProblems(redis, s.space);
    expect(problem).toMatchObject({ kind: 'missed-run', since: '2026-12-04T06:00:00.000Z' });
    expect(problem?.message).toContain(
      '3 scheduled run(s) due from 2026-12-04T06:00:00.000Z to 2026-12-06T06:00:00.000Z',
    );
    expect(problem?.message).toContain('CATCH_UP_MAX_AGE (24 h)');
  });

  it('a changed DIGEST_CRON starts afresh: the new pattern was never due before', async () => {
    const s = stack();
    await s.catchUp().catchUp(at('2026-12-05T09:00:00Z'));
    const changed = testConfig({ DIGEST_CRON: '0 8 * * *' });
    const outcome = await s.catchUp({ ...s.config, schedule: changed.schedule }).catchUp(NOW);
    expect(outcome.started).toBeNull();
    expect(outcome.reported).toEqual([]);
    expect(await s.record()).toMatchObject({ cron: '0 8 * * *', since: NOW.getTime() });
  });
});

describe('the loader', () => {
  it('two loaders starting together after the stack missed its due time start that run once', async () => {
    const s = stack();
    const due = lastDueAt(s.config.schedule, new Date())!;
    // The stack last ran the day before and was stopped across today's due time.
    await s.catchUp().catchUp(new Date(due.getTime() - 1));
    await s.setHandled(new Date(due.getTime() - DAY));
    const loaders = await Promise.all([1, 2].map(() => startLoader({ config: s.config, logger })));
    opened.push(...loaders);
    const runId = scheduledRunId(due);
    const parent = await waitFor(async () => (await s.aggregate.getJob(runId)) ?? undefined, {
      what: `the missed run ${runId}`,
      timeoutMs: 20_000,
    });
    expect(parent.data).toMatchObject({ runId, trigger: 'schedule' });
    await waitFor(async () => (await s.feeds.getCompletedCount()) === 1 || undefined, { what: 'the catch-up job' });
    const loads = await s.feeds.getJobs(['completed', 'waiting', 'active', 'delayed', 'failed']);
    expect(loads.filter((j) => !j.id?.startsWith('repeat:')).map((j) => j.id)).toEqual([runId]);
    expect((await s.aggregate.getJobs(['waiting-children', 'waiting', 'active', 'completed'])).length).toBe(1);
  });
});
