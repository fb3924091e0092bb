import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createLogger } from '@tidings/runtime';
import { keySpaceOf, QUEUE } from '@tidings/shared';
import { addRunFlow, buildDigest, buildRun, testConfig, testRedis } from '@tidings/testing';
import { OwnTopicMatches, TopicStoreWriter } from '@tidings/topic-store';
import { type Job, Queue } from 'bullmq';
import { afterAll, describe, expect, it } from 'vitest';
import { type FinaliseDeps, finaliseRun } from '../src/finalise-run.js';
import { writeSnapshot } from '../src/snapshot.js';

const run = (id: string, startedAt: string) => buildRun({ id, startedAt });

describe('snapshots', () => {
  it('write runs/<id>.json, and latest.json only for the newest run', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tidings-snap-'));
    const digest = buildDigest({ generatedAt: '2026-11-25T00:00:00.000Z', runId: 'r2' });
    await writeSnapshot(dir, { run: run('r2', '2026-11-25T06:00:00.000Z'), digest }, { latest: true });
    const late = await writeSnapshot(dir, { run: run('r1', '2026-11-24T06:00:00.000Z'), digest }, { latest: false });
    expect(late.latestFile).toBeNull();
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'latest.json'), 'utf8')).run.id).toBe('r2');
    expect(fs.readdirSync(path.join(dir, 'runs')).sort()).toEqual(['r1.json', 'r2.json']);
  });
});

/**
 * Which run's snapshot becomes latest.json is decided when a run is finalised: the run that
 * started last, whatever order runs finish in. Finalised here as the aggregator does it,
 * against real Redis and real BullMQ parent jobs.
 */
describe('latest.json, as runs are finalised', () => {
  const redis = testRedis();
  const config = testConfig();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tidings-latest-'));
  const aggregate = new Queue(QUEUE.aggregate, { connection: redis, prefix: config.prefix });
  const deps: FinaliseDeps = {
    store: new TopicStoreWriter(redis, config.prefix),
    ownTopicMatches: new OwnTopicMatches(redis, config.prefix),
    ownTopicThreshold: config.ownTopics.threshold,
    retentionMs: 86_400_000,
    redis,
    space: keySpaceOf(config),
    dataDir,
    windowHours: 24,
    labelOrder: config.zeroShot.labels,
    logger: createLogger('snapshot-test', { level: 'silent' }),
    queueDeliveries: async () => 0,
  };
  afterAll(async () => {
    await aggregate.close();
    await redis.quit();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const latestRunId = () => JSON.parse(fs.readFileSync(path.join(dataDir, 'latest.json'), 'utf8')).run.id;

  async function finalise(runId: string, startedAt: string): Promise<void> {
    if (!(await aggregate.getJob(runId))) await addRunFlow(redis, config.prefix, runId, [], { startedAt });
    const job = (await aggregate.getJob(runId)) as Job;
    await finaliseRun(job, { runId, trigger: 'manual', startedAt, feeds: [] }, deps);
  }

  it('follows the run that started last, not the one that finished last', async () => {
    await finalise('monday', '2026-11-23T06:00:00.000Z');
    expect(latestRunId()).toBe('monday');

    await finalise('wednesday', '2026-11-25T06:00:00.000Z');
    expect(latestRunId()).toBe('wednesday');

    // Tuesday's run was stuck and is finalised late (the watchdog, a retry): it gets its own
    // file, and latest.json keeps Wednesday's.
    await finalise('tuesday', '2026-11-24T06:00:00.000Z');
    expect(latestRunId()).toBe('wednesday');
    expect(fs.readdirSync(path.join(dataDir, 'runs')).sort()).toEqual([
      'monday.json',
      'tuesday.json',
      'wednesday.json',
    ]);

    // The newest run finalised again (a retried job, its record already written) writes
    // latest.json again, e.g. after a crash between the run file and latest.json.
    fs.rmSync(path.join(dataDir, 'latest.json'));
    await finalise('wednesday', '2026-11-25T06:00:00.000Z');
    expect(latestRunId()).toBe('wednesday');
  });
});
