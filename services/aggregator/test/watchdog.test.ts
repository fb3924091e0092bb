import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createLogger } from '@tidings/runtime';
import { keySpaceOf, QUEUE } from '@tidings/shared';
import { addRunFlow, buildArticle, testConfig, testRedis } from '@tidings/testing';
import { OwnTopicMatches, ReclassifyReports, TopicStoreWriter } from '@tidings/topic-store';
import { Queue } from 'bullmq';
import { afterAll, describe, expect, it } from 'vitest';
import type { FinaliseReclassifyDeps } from '../src/finalise-reclassify.js';
import type { FinaliseDeps } from '../src/finalise-run.js';
import { RunWatchdog } from '../src/watchdog.js';

/** The watchdog's pass on its own, against real Redis and real BullMQ flows whose children never finish. */
const config = testConfig();
const redis = testRedis();
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tidings-watchdog-'));
const aggregate = new Queue(QUEUE.aggregate, { connection: redis, prefix: config.prefix });
const classify = new Queue(QUEUE.classify, { connection: redis, prefix: config.prefix });
const store = new TopicStoreWriter(redis, config.prefix, { labelOrder: config.zeroShot.labels });
const deps: FinaliseDeps = {
  store,
  ownTopicMatches: new OwnTopicMatches(redis, config.prefix),
  ownTopicThreshold: config.ownTopics.threshold,
  retentionMs: 86_400_000,
  redis,
  space: keySpaceOf(config),
  dataDir,
  windowHours: 24,
  labelOrder: config.zeroShot.labels,
  logger: createLogger('watchdog-test', { level: 'silent' }),
  queueDeliveries: async () => 0,
};
const reclassifyDeps: FinaliseReclassifyDeps = {
  store,
  reports: new ReclassifyReports(redis, config.prefix),
  redis,
  space: keySpaceOf(config),
  retentionMs: 86_400_000,
  logger: deps.logger,
};
const watchdog = new RunWatchdog(aggregate, deps, reclassifyDeps, { timeoutMinutes: 1 });

afterAll(async () => {
  await watchdog.close();
  await classify.close();
  await aggregate.close();
  await redis.quit();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const stuck = (id: string) => ({ article: buildArticle({ id, title: `Stuck ${id}` }), opts: { delay: 3_600_000 } });

describe('RunWatchdog', () => {
  it('leaves a run alone until RUN_TIMEOUT_MINUTES have passed, then finalises it once and removes its jobs', async () => {
    await addRunFlow(redis, config.prefix, 'stuck-run', [stuck('s1'), stuck('s2')]);
    expect(await watchdog.tick()).toEqual([]);
    expect(await store.hasRun('stuck-run')).toBe(false);

    const later = Date.now() + 2 * 60_000;
    expect(await watchdog.tick(later)).toEqual(['stuck-run']);
    const run = await store.run('stuck-run');
    const reason = 'run did not finish within RUN_TIMEOUT_MINUTES (1); 2 article(s) never finished';
    expect(run).toMatchObject({ finalisedBy: 'watchdog', reason, counts: { new: 2, classified: 0, failed: 2 } });
    expect(run?.failures.map((f) => [f.articleId, f.reason]).sort()).toEqual([
      ['s1', reason],
      ['s2', reason],
    ]);
    expect(JSON.parse(fs.readFileSync(path.join(dataDir, 'latest.json'), 'utf8')).run.id).toBe('stuck-run');
    // The parent and its children are gone, so no classifier picks a child up later and nothing is finalised twice.
    expect(await aggregate.getJob('stuck-run')).toBeUndefined();
    expect(await classify.getDelayedCount()).toBe(0);
    expect(await watchdog.tick(later)).toEqual([]);
  });

  it('finalises every stuck run of a pass, more than one page of them', async () => {
    // The watchdog reads waiting runs 100 at a time.
    const ids = Array.from({ length: 101 }, (_, i) => `many-${String(i).padStart(3, '0')}`);
    for (const id of ids) await addRunFlow(redis, config.prefix, id, [stuck(`${id}-a`)]);
    expect((await watchdog.tick(Date.now() + 2 * 60_000)).sort()).toEqual(ids);
    for (const id of ids) expect(await store.hasRun(id)).toBe(true);
  });
});
