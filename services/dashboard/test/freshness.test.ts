import { createLogger } from '@tidings/runtime';
import { redisKeys } from '@tidings/shared';
import { buildFeedReport, buildRun, testConfig, testRedis } from '@tidings/testing';
import { TopicStoreWriter } from '@tidings/topic-store';
import { afterAll, describe, expect, it } from 'vitest';
import { buildDashboard } from '../src/index.js';

const silent = createLogger('freshness-test', { level: 'silent' });
const redis = testRedis();
const open: { close(): Promise<unknown> }[] = [];
afterAll(async () => {
  for (const app of open.splice(0)) await app.close();
  await redis.quit();
});

/** The sample of one unlabelled metric in the exposition text; undefined when it has none. */
const sample = (metrics: string, name: string) => {
  const line = metrics.split('\n').find((l) => l.startsWith(`${name} `));
  return line === undefined ? undefined : Number(line.slice(name.length + 1));
};

describe('a late digest', () => {
  it('shows on the page and in /metrics until a successful run starts after the due time', async () => {
    const config = testConfig();
    const store = new TopicStoreWriter(redis, config.prefix);
    await store.writeRun(
      buildRun({
        id: 'daily-2026-11-24T060000Z',
        trigger: 'schedule',
        startedAt: '2026-11-24T06:00:00.000Z',
        durationMs: 90_000,
        feeds: [buildFeedReport()],
      }),
    );
    const { app } = await buildDashboard({ config, logger: silent });
    open.push(app);
    const address = await app.listen({ host: '127.0.0.1', port: 0 });
    const get = async (path: string) => (await fetch(`${address}${path}`)).text();

    // Before a loader kept the schedule's record, nothing is judged late and the schedule's gauges are 0.
    let metrics = await get('/metrics');
    expect(metrics).toContain('tidings_problems{kind="run-late"} 0');
    expect(sample(metrics, 'tidings_last_successful_run_timestamp_seconds')).toBe(0);
    expect(sample(metrics, 'tidings_schedule_last_due_timestamp_seconds')).toBe(0);

    // What the loaders keep: a daily schedule since 1 November, two hours' grace.
    await redis.hset(redisKeys(config.prefix).schedule, {
      cron: '0 6 * * *',
      tz: 'UTC',
      catchUpMaxAgeMs: 86_400_000,
      freshnessGraceMs: 7_200_000,
      since: Date.parse('2026-11-01T00:00:00Z'),
    });
    const page = await get('/');
    expect(page).toContain('<li data-problem="run-late"><strong>run-late</strong> at DIGEST_CRON');
    expect(page).toContain('has not finished 2 h (FRESHNESS_GRACE) after it was due');
    metrics = await get('/metrics');
    expect(metrics).toContain('tidings_problems{kind="run-late"} 1');
    expect(sample(metrics, 'tidings_last_successful_run_timestamp_seconds')).toBe(
      Date.parse('2026-11-24T06:01:30.000Z') / 1000,
    );
    expect(sample(metrics, 'tidings_schedule_freshness_grace_seconds')).toBe(7200);
    const lastDue = sample(metrics, 'tidings_schedule_last_due_timestamp_seconds') ?? 0;
    const nextDue = sample(metrics, 'tidings_schedule_next_due_timestamp_seconds') ?? 0;
    expect(nextDue - lastDue).toBe(86_400);

    const startedAt = new Date().toISOString();
    await store.writeRun(buildRun({ id: 'manual-now', trigger: 'manual', startedAt, feeds: [buildFeedReport()] }));
    expect(await get('/')).not.toContain('data-problem="run-late"');
    metrics = await get('/metrics');
    expect(metrics).toContain('tidings_problems{kind="run-late"} 0');
    expect(sample(metrics, 'tidings_last_successful_run_timestamp_seconds')).toBe(Date.parse(startedAt) / 1000);
  });
});
