/**
 * What an `aggregate` job can make the aggregator write, against a real aggregator process
 * and real Redis: jobs are written straight into the queue, as anyone with Redis access can.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { JOB, QUEUE, type RunManifest, UnsafeFileError } from '@tidings/shared';
import {
  addRunFlow,
  buildArticle,
  buildDigest,
  buildRun,
  buildRunManifest,
  type ServiceProcess,
  spawnService,
  TINY_MODEL_DIR,
  testConfig,
  testRedis,
  waitFor,
} from '@tidings/testing';
import { type Job, Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeSnapshot } from '../src/snapshot.js';

// DATA_DIR sits two levels down in a folder of its own, so "../../x" from runs/ lands where we can look.
const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'tidings-aggregator-security-'));
const dataDir = path.join(outside, 'deployment', 'data');
fs.mkdirSync(dataDir, { recursive: true });
const config = testConfig({ DATA_DIR: dataDir });
const redis = testRedis();
const aggregate = new Queue(QUEUE.aggregate, { connection: redis, prefix: config.prefix });
let aggregator: ServiceProcess;
let classifier: ServiceProcess;

/** Every file under the test's folder that is not inside DATA_DIR. */
function filesOutsideDataDir(): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      if (file === dataDir) continue;
      if (entry.isDirectory()) walk(file);
      else found.push(path.relative(outside, file));
    }
  };
  walk(outside);
  return found;
}

beforeAll(async () => {
  aggregator = spawnService('aggregator', {
    REDIS_URL: config.redis.url,
    TIDINGS_PREFIX: config.prefix,
    DATA_DIR: dataDir,
    LOG_LEVEL: 'info',
  });
  classifier = spawnService('classifier', {
    REDIS_URL: config.redis.url,
    TIDINGS_PREFIX: config.prefix,
    DATA_DIR: dataDir,
    MODEL_DIR: TINY_MODEL_DIR,
    CLASSIFIER_THREADS: '1',
  });
  await waitFor(
    () =>
      (aggregator.output().includes('aggregator ready') && classifier.output().includes('classifier ready')) ||
      undefined,
    { what: 'the aggregator and a classifier', timeoutMs: 60_000 },
  );
});

afterAll(async () => {
  await aggregator.stop();
  await classifier.stop();
  await aggregate.close();
  await redis.quit();
  fs.rmSync(outside, { recursive: true, force: true });
});

/** The run id goes in after the schema: these tests hand the aggregator ids no loader would. */
function manifest(runId: string): RunManifest {
  return { ...buildRunManifest({ startedAt: new Date().toISOString() }), runId };
}

/** With a link no loader keeps, which the schema accepts and cleans. */
const article = (link: string) =>
  buildArticle({
    id: 'a1',
    feed: 'https://a.example/rss',
    title: 'A story',
    link,
    published: new Date().toISOString(),
  });

async function settled(jobId: string): Promise<Job> {
  return (await waitFor(
    async () => {
      const state = await aggregate.getJobState(jobId);
      return state === 'completed' || state === 'failed' ? aggregate.getJob(jobId) : undefined;
    },
    { what: `aggregate job ${jobId} to settle` },
  )) as Job;
}

describe('an aggregate job cannot write outside DATA_DIR or put a script link into a snapshot', () => {
  it.each(['../../pwned', '../../../../tmp/pwned', '/tmp/pwned-abs', 'runs/../../pwned', 'a\u0000b'])(
    'refuses run id %j at the worker; nothing is written anywhere',
    async (runId) => {
      const job = await aggregate.add(JOB.aggregateRun, manifest(runId), { jobId: `hostile-${Date.now()}` });
      const done = await settled(job.id as string);
      expect(done.failedReason).toMatch(/^bad aggregate job data: runId: not a run id/);
      expect(filesOutsideDataDir()).toEqual([]);
      expect(fs.readdirSync(dataDir)).toEqual([]);
    },
  );

  it.each(['javascript:alert(document.cookie)', 'data:text/html,<script>alert(1)</script>', 'file:///etc/passwd'])(
    'classifies an article with link %j but keeps "" for its link in the store and every snapshot',
    async (link) => {
      const runId = `links-${Date.now()}`;
      // As the loader would add it, but with a link no loader keeps: a flow with one classify child.
      await addRunFlow(redis, config.prefix, runId, [{ article: article(link) }]);
      expect((await settled(runId)).returnvalue).toMatchObject({ runId, written: true });
      const snapshot = JSON.parse(fs.readFileSync(path.join(dataDir, 'runs', `${runId}.json`), 'utf8'));
      const grouped = snapshot.run.topics.flatMap((g: { articles: { id: string; link: string }[] }) => g.articles);
      expect(grouped).toMatchObject([{ id: 'a1', link: '' }]);
      const stored = [
        await redis.get(`${config.prefix}:store:run:${runId}`),
        await redis.hget(`${config.prefix}:store:article:a1`, 'data'),
      ].join('\n');
      expect(stored).toContain('"link":""');
      for (const text of [
        JSON.stringify(snapshot),
        fs.readFileSync(path.join(dataDir, 'latest.json'), 'utf8'),
        stored,
      ]) {
        expect(text).not.toContain(link.slice(0, 10));
      }
    },
  );

  it('is still working after all of that: a valid run is written inside DATA_DIR', async () => {
    const runId = `fine-${Date.now()}`;
    await aggregate.add(JOB.aggregateRun, manifest(runId), { jobId: runId });
    expect((await settled(runId)).returnvalue).toMatchObject({ runId, written: true });
    expect(JSON.parse(fs.readFileSync(path.join(dataDir, 'latest.json'), 'utf8')).run.id).toBe(runId);
    expect(filesOutsideDataDir()).toEqual([]);
  });
});

describe('the snapshot writer itself keeps every file inside DATA_DIR', () => {
  const run = (id: string) => ({ ...buildRun(), id });
  const digest = buildDigest();

  it('refuses a run id that leads out, whoever calls it', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tidings-snapshot-'));
    const data = path.join(dir, 'data');
    await expect(writeSnapshot(data, { run: run('../../pwned'), digest }, { latest: true })).rejects.toThrow(
      UnsafeFileError,
    );
    expect(fs.readdirSync(dir)).toEqual([]);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('refuses to follow a symlink in DATA_DIR that leads out of it', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tidings-snapshot-'));
    const data = path.join(dir, 'data');
    fs.mkdirSync(path.join(dir, 'elsewhere'), { recursive: true });
    fs.mkdirSync(data);
    fs.symlinkSync(path.join(dir, 'elsewhere'), path.join(data, 'runs'));
    const error = await writeSnapshot(data, { run: run('run-1'), digest }, { latest: false }).catch((e) => e);
    expect(error).toBeInstanceOf(UnsafeFileError);
    expect((error as Error).message).toMatch(/its folder leads out of DATA_DIR/);
    expect(fs.readdirSync(path.join(dir, 'elsewhere'))).toEqual([]);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
