import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startAggregator } from '@tidings/aggregator';
import { ROOT, spawnService } from '@tidings/cli';
import { writeGeneratedFeed } from '@tidings/feed-fixtures';
import { requestReclassify, requestRun } from '@tidings/run-requests';
import { createLogger, createRedis } from '@tidings/runtime';
import { ClassifyResultSchema, loadConfig, QUEUE, ReclassifySelectionSchema } from '@tidings/shared';
import { peakRssMbOf } from '@tidings/testing';
import { ReclassifyReports } from '@tidings/topic-store';
import { type Job, Queue } from 'bullmq';
import { CORES, QUICK } from '../bench-setup.js';
import { fmt, stat } from '../measure.js';
import type { BenchReport } from '../report.js';

const DAY_MS = 86_400_000;
const PREFIX = 'benchr';

async function until<T>(read: () => Promise<T | null | undefined>): Promise<T> {
  for (;;) {
    const value = await read();
    if (value) return value;
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Mean classify time per article (the classifier's own `ms`) of one run's completed jobs. */
async function classifyMs(classify: Queue, runId: string): Promise<number> {
  const jobs: Job[] = (await classify.getJobs(['completed'], 0, -1)).filter((j) => j.data.runId === runId);
  const ms = jobs.map((j) => ClassifyResultSchema.parse(j.returnvalue).ms);
  return ms.reduce((a, b) => a + b, 0) / Math.max(1, ms.length);
}

/**
 * A day's scheduled run and a reclassify of the same articles, through the same loader,
 * classifier process (the model at `modelDir`) and aggregator, taking turns `rounds` times:
 * the classify cost per article should be the same, and the rest of the wall time is what
 * each path's queue work adds.
 */
export async function reclassifyVersusRun(report: BenchReport, redisUrl: string, modelDir: string, rounds: number) {
  const n = QUICK ? 16 : 48;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tidings-bench-reclassify-'));
  const feed = path.join(dir, 'feed.xml');
  const env = {
    PATH: process.env.PATH ?? '',
    REDIS_URL: redisUrl,
    TIDINGS_PREFIX: PREFIX,
    FEED_URLS: feed,
    MODEL_DIR: modelDir,
    CLASSIFIER_THREADS: String(CORES),
    RETENTION_DAYS: '365',
    LOG_LEVEL: 'warn',
  };
  const config = loadConfig({ ...env, DATA_DIR: dir, LOG_LEVEL: 'silent' });
  const loader = spawnService('loader', { cwd: ROOT, env, stdio: 'ignore' });
  const classifier = spawnService('classifier', { cwd: ROOT, env, stdio: 'ignore' });
  const aggregator = await startAggregator({ config, logger: createLogger('bench', { level: 'silent' }) });
  const redis = createRedis(redisUrl);
  const queue = (name: string) => new Queue(name, { connection: redis, prefix: PREFIX });
  const [feeds, aggregate, classify] = [queue(QUEUE.runRequests), queue(QUEUE.aggregate), queue(QUEUE.classify)];
  const reports = new ReclassifyReports(redis, PREFIX);
  await until(async () => (await classify.getWorkersCount()) > 0);
  // Midnight: feed dates keep whole seconds, so a day starting mid-second would lose its first article.
  const base = Math.floor(Date.now() / DAY_MS - 300) * DAY_MS;
  const measured: { run: number[]; reclassify: number[]; runMs: number[]; reclassifyMs: number[] } = {
    run: [],
    reclassify: [],
    runMs: [],
    reclassifyMs: [],
  };
  try {
    for (let round = 0; round < rounds; round++) {
      // Each round's articles on a day of their own, so its reclassify selects exactly them.
      const day = base + round * DAY_MS;
      writeGeneratedFeed(feed, n, { tag: `round${round}`, published: (i) => new Date(day + i * 1000) });
      let started = performance.now();
      const runId = await requestRun(feeds);
      const run = await until(() => aggregator.store.run(runId));
      // Copies of one story are merged before classifying: the run's classified count, not n, is what both paths classify.
      const classified = run.counts.classified;
      measured.run.push((performance.now() - started) / classified);
      measured.runMs.push(await classifyMs(classify, runId));

      const selection = ReclassifySelectionSchema.parse({
        since: new Date(day).toISOString(),
        until: new Date(day + DAY_MS).toISOString(),
        dryRun: true,
      });
      started = performance.now();
      const reclassifyId = await requestReclassify(aggregate, redis, PREFIX, selection);
      const done = await until(() => reports.read(reclassifyId));
      measured.reclassify.push((performance.now() - started) / classified);
      measured.reclassifyMs.push(await classifyMs(classify, reclassifyId));
      if (done.counts.classified !== classified)
        throw new Error(`reclassify classified ${done.counts.classified} of the run's ${classified}`);
    }
  } finally {
    const rss = { loader: peakRssMbOf(loader.pid ?? 0), classifier: peakRssMbOf(classifier.pid ?? 0) };
    loader.kill('SIGTERM');
    classifier.kill('SIGTERM');
    await aggregator.close();
    for (const q of [feeds, aggregate, classify]) await q.close();
    redis.disconnect();
    fs.rmSync(dir, { recursive: true, force: true });
    report.results.reclassify = { articles: n, rounds, ...measured, peakRssMb: rss };
    if (measured.run.length === rounds) {
      // Each round's two runs side by side: their ratio, and what each adds beyond classifying.
      const ratio = stat(measured.reclassify.map((r, i) => r / (measured.run[i] ?? r)));
      const beyond = (wall: number[], cost: number[]) => stat(wall.map((w, i) => (100 * (w - (cost[i] ?? w))) / w));
      report.row(
        `reclassify vs scheduled run, ${n} articles x ${rounds}`,
        `wall per article ${fmt(ratio)}x the run's`,
        `classifier ${rss.classifier.toFixed(0)} MB, loader ${rss.loader.toFixed(0)} MB peak`,
        `classify ${fmt(stat(measured.reclassifyMs), 0)} vs ${fmt(stat(measured.runMs), 0)} ms/article; beyond classify ${fmt(beyond(measured.reclassify, measured.reclassifyMs), 1)}% vs ${fmt(beyond(measured.run, measured.runMs), 1)}% of wall`,
      );
    }
  }
}
