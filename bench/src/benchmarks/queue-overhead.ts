import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startAggregator } from '@tidings/aggregator';
import { ROOT, spawnService } from '@tidings/cli';
import { writeGeneratedFeed } from '@tidings/feed-fixtures';
import { requestRun } from '@tidings/run-requests';
import { createLogger, createRedis } from '@tidings/runtime';
import { ClassifyJobSchema, type ClassifyResult, loadConfig, QUEUE, redisKeys } from '@tidings/shared';
import { peakRssMbOf } from '@tidings/testing';
import { Queue, Worker } from 'bullmq';
import { QUICK } from '../bench-setup.js';
import type { BenchReport } from '../report.js';

/** Loader → no-op classifier → aggregator for many articles: what the queue itself costs. */
export async function queueOverhead(report: BenchReport, redisUrl: string, classifySeconds: number) {
  const n = QUICK ? 1000 : 5000;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tidings-bench-'));
  const feed = path.join(dir, 'feed.xml');
  writeGeneratedFeed(feed, n);
  const config = loadConfig({
    REDIS_URL: redisUrl,
    TIDINGS_PREFIX: 'benchq',
    FEED_URLS: feed,
    DATA_DIR: dir,
    LOG_LEVEL: 'silent',
  });
  const logger = createLogger('bench', { level: 'silent' });
  const loader = spawnService('loader', {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      REDIS_URL: redisUrl,
      TIDINGS_PREFIX: 'benchq',
      FEED_URLS: feed,
      LOG_LEVEL: 'warn',
    },
    stdio: 'ignore',
  });
  const aggregator = await startAggregator({ config, logger });
  const noop: ClassifyResult = {
    articleId: '',
    label: 'Other',
    score: 1,
    scores: { Other: 1 },
    model: 'no-op',
    dtype: 'none',
    ms: 0,
  };
  // Reads each article from its run as the real classifier does: that read is queue overhead too.
  const workerConnection = createRedis(redisUrl);
  const runArticles = (runId: string) => redisKeys('benchq').runArticles(runId);
  const worker = new Worker(
    QUEUE.classify,
    async (job) => {
      const { runId, articleId } = ClassifyJobSchema.parse(job.data);
      if ((await workerConnection.hget(runArticles(runId), articleId)) === null)
        throw new Error(`article ${articleId} is not in run ${runId}`);
      return { ...noop, articleId };
    },
    { connection: workerConnection, prefix: 'benchq', concurrency: 100 },
  );
  const feeds = new Queue(QUEUE.runRequests, { connection: createRedis(redisUrl), prefix: 'benchq' });
  await new Promise((r) => setTimeout(r, 2_000));
  const started = performance.now();
  const runId = await requestRun(feeds);
  let run = await aggregator.store.run(runId);
  while (!run) {
    await new Promise((r) => setTimeout(r, 20));
    run = await aggregator.store.run(runId);
  }
  const seconds = (performance.now() - started) / 1000;
  const loaderRss = peakRssMbOf(loader.pid ?? 0);
  loader.kill('SIGTERM');
  await worker.close();
  await aggregator.close();
  await feeds.close();
  const perArticle = seconds / n;
  report.results.queue = {
    articles: n,
    seconds,
    articlesPerSecond: n / seconds,
    overheadSecondsPerArticle: perArticle,
    shareOfClassify: perArticle / classifySeconds,
    loaderPeakRssMb: loaderRss,
    classified: run.counts.classified,
  };
  report.row(
    `5 queue, no-op model, ${n} articles`,
    `${(n / seconds).toFixed(0)} articles/s`,
    `loader ${loaderRss.toFixed(0)} MB`,
    `${(perArticle * 1000).toFixed(2)} ms/article = ${((perArticle / classifySeconds) * 100).toFixed(2)}% of classify time`,
  );
  fs.rmSync(dir, { recursive: true, force: true });
}
