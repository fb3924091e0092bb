import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startAggregator } from '@tidings/aggregator';
import { startClassifier } from '@tidings/classifier';
import { createLogger } from '@tidings/runtime';
import { type Article, classifyJobId, QUEUE } from '@tidings/shared';
import { addRunFlow, buildArticle, testConfig, testRedis, waitFor } from '@tidings/testing';
import { Queue } from 'bullmq';
import { afterAll, describe, expect, it } from 'vitest';

const logger = createLogger('test', { level: process.env.TEST_LOG_LEVEL ?? 'silent' });
const redis = testRedis();
const opened: { close(): Promise<unknown> }[] = [];
afterAll(async () => {
  for (const o of opened.reverse()) await o.close();
  await redis.quit();
});

const article = (id: string, title: string) => buildArticle({ id, title, feed: 'f' });

/** A run flow as the loader makes it, with some children's article records or timing changed. */
async function addTestRun(
  prefix: string,
  runId: string,
  children: { article: Article; record?: string; delay?: number }[],
) {
  await addRunFlow(
    redis,
    prefix,
    runId,
    children.map((c) => ({
      article: c.article,
      record: c.record,
      opts: { backoff: { type: 'fixed', delay: 10 }, ...(c.delay ? { delay: c.delay } : {}) },
    })),
  );
}

async function services(env: Record<string, string> = {}, watchdogIntervalMs?: number) {
  const config = testConfig({ DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'tidings-fail-')), ...env });
  const classifier = await startClassifier({ config, logger });
  const aggregator = await startAggregator({ config, logger, watchdogIntervalMs });
  opened.push(classifier, aggregator);
  return { config, aggregator };
}

describe('runs with failing articles', () => {
  it('a poison article that fails every attempt gives a finished run with failed = 1, the rest grouped', async () => {
    const { config, aggregator } = await services();
    const poison = article('poison', 'Poison');
    await addTestRun(config.prefix, 'run-poison', [
      { article: article('a1', 'Bitcoin falls') },
      { article: article('a2', 'OPEC cuts oil output') },
      // A record in the run's hash that is no article: its classify job has nothing to read.
      { article: poison, record: JSON.stringify({ ...poison, published: 'not a date' }) },
    ]);
    const run = await waitFor(() => aggregator.store.run('run-poison').then((r) => r ?? undefined), {
      what: 'the run',
    });
    expect(run.counts).toEqual({ fetched: 0, new: 3, classified: 2, failed: 1 });
    expect(run.failures).toEqual([
      {
        articleId: 'poison',
        title: '',
        reason:
          "article poison of run run-poison has a record in the run's article hash that is not an article: published: Invalid ISO datetime",
      },
    ]);
    expect(run.topics.map((g) => g.label).sort()).toEqual(['Crypto', 'Oil or Gas']);
  });

  it('the watchdog finalises a run whose child never finishes, with the reason', async () => {
    const { config, aggregator } = await services({ RUN_TIMEOUT_MINUTES: '0.05' }, 200);
    await addTestRun(config.prefix, 'run-stuck', [
      { article: article('b1', 'Bitcoin falls') },
      { article: article('b2', 'Stuck story'), delay: 3_600_000 },
    ]);
    const run = await waitFor(() => aggregator.store.run('run-stuck').then((r) => r ?? undefined), {
      what: 'the run',
      timeoutMs: 30_000,
    });
    expect(run).toMatchObject({
      finalisedBy: 'watchdog',
      reason: 'run did not finish within RUN_TIMEOUT_MINUTES (0.05); 1 article(s) never finished',
      counts: { new: 2, classified: 1, failed: 1 },
    });
    expect(run.failures).toEqual([{ articleId: 'b2', title: 'Stuck story', reason: run.reason }]);
    const aggregate = new Queue(QUEUE.aggregate, { connection: redis, prefix: config.prefix });
    const classify = new Queue(QUEUE.classify, { connection: redis, prefix: config.prefix });
    opened.push(aggregate, classify);
    await waitFor(async () => (await aggregate.getJob('run-stuck')) === undefined, {
      what: 'the stuck parent to be removed',
    });
    expect(await classify.getJob(classifyJobId('run-stuck', 'b2'))).toBeUndefined();
    expect(fs.existsSync(path.join(config.dataDir, 'runs', 'run-stuck.json'))).toBe(true);
  });
});
