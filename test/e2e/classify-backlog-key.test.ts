/**
 * The key KEDA's redis scaler reads (k8s/base/classifier-autoscaling.yaml) is the classify
 * backlog: a real loader reads the fixture feed for a run, and every article of it waits in
 * that list, by job id, until a classifier takes it; then the list is empty again.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { requestRun } from '@tidings/run-requests';
import { JOB, QUEUE } from '@tidings/shared';
import {
  CNBC_FIXTURE,
  ROOT,
  type ServiceProcess,
  spawnService,
  TINY_MODEL_DIR,
  testPrefix,
  testRedis,
  testRedisUrl,
  waitFor,
} from '@tidings/testing';
import { Queue } from 'bullmq';
import { afterAll, describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';

const manifest = (file: string) =>
  parseAllDocuments(fs.readFileSync(path.join(ROOT, 'k8s/base', file), 'utf8')).map((d) => d.toJS());
const scaledObject = manifest('classifier-autoscaling.yaml').find((d) => d.kind === 'ScaledObject');
const manifestPrefix = (
  parse(fs.readFileSync(path.join(ROOT, 'k8s/base/config.yaml'), 'utf8')) as {
    data: { TIDINGS_PREFIX: string };
  }
).data.TIDINGS_PREFIX;
const listName: string = scaledObject.spec.triggers[0].metadata.listName;

const prefix = testPrefix();
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tidings-backlog-'));
const env = { REDIS_URL: testRedisUrl(), TIDINGS_PREFIX: prefix, DATA_DIR: dataDir };
const redis = testRedis();
const feeds = new Queue(QUEUE.runRequests, { connection: redis, prefix });
const classify = new Queue(QUEUE.classify, { connection: redis, prefix });
const started: ServiceProcess[] = [];

afterAll(async () => {
  for (const s of started) await s.stop();
  await feeds.close();
  await classify.close();
  await redis.quit();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe("the classify backlog key in the classifier's ScaledObject", () => {
  it('is the wait list of TIDINGS_PREFIX, as the manifests name it', () => {
    expect(listName).toBe(`${manifestPrefix}:classify:wait`);
  });

  it('holds every article of a queued run until a classifier takes it, and nothing after', async () => {
    const key = `${prefix}${listName.slice(manifestPrefix.length)}`;
    started.push(spawnService('loader', { ...env, FEED_URLS: CNBC_FIXTURE }));
    await requestRun(feeds);
    // The fixture's 14 items, less the sponsored one and the repeat the loader drops.
    await waitFor(async () => (await redis.llen(key)) === 12 || undefined, {
      what: `12 articles waiting in ${key}`,
      timeoutMs: 60_000,
    });
    expect(await classify.getJobCounts('waiting', 'prioritized', 'delayed')).toEqual({
      waiting: 12,
      prioritized: 0,
      delayed: 0,
    });
    const ids = await redis.lrange(key, 0, -1);
    const jobs = await Promise.all(ids.map((id) => classify.getJob(id)));
    expect(jobs.map((j) => j?.name)).toEqual(ids.map(() => JOB.classify));

    started.push(spawnService('classifier', { ...env, MODEL_DIR: TINY_MODEL_DIR, CLASSIFIER_THREADS: '1' }));
    await waitFor(async () => (await redis.llen(key)) === 0 || undefined, {
      what: `${key} to drain`,
      timeoutMs: 90_000,
    });
    await waitFor(async () => (await classify.getJobCounts('completed')).completed === 12 || undefined, {
      what: 'the 12 articles classified',
      timeoutMs: 60_000,
    });
  });
});
