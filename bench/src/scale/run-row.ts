import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DEFAULT_LABELS, type Run } from '@tidings/contracts';
import { createRedis, startRedisServer } from '@tidings/runtime';
import { planFarm } from './farm-plan.js';
import { startFeedFarm } from './feed-farm.js';
import { seedHistory } from './history.js';
import { RunTimeline, runDurations } from './log-timeline.js';
import { type ScaleStack, startScaleStack } from './scale-stack.js';

export interface Scenario {
  feeds: number;
  articles: number;
  /** Which curve the row belongs to: more feeds at 10 articles each, or more articles from 100 feeds. */
  series: ('feeds' | 'articles')[];
}

export interface ScaleRow {
  feeds: number;
  articles: number;
  series: Scenario['series'];
  /** From asking for the run (POST /api/runs) to its record (GET /api/runs/:id answers 200). */
  seconds: number;
  articlesPerSecond: number;
  loaderPeakMb: number;
  aggregatorPeakMb: number;
  classifierPeakMb: number;
  dashboardPeakMb: number;
  /** INFO memory used_memory_peak of the row's own redis-server, before the history is added. */
  redisPeakMb: number;
  flowMs: number | null;
  finaliseMs: number | null;
  /** From the flow enqueued to the run written: classifying and finalising, without reading feeds. */
  afterFlowMs: number | null;
  /** Median of 3 GET / with 30 days of history in the store. */
  pageMs: number | null;
  /** Median of 3 GET /api/topics, likewise. */
  apiMs: number | null;
  classified: number;
  failedArticles: number;
  feedsOk: number;
  feedsFailed: number;
  hosts: number;
  /** Most requests any one feed host had in flight at once: the loader's per-host politeness. */
  maxInFlightPerHost: number;
  historyArticles: number;
  /** What went wrong in a row that still has numbers (a page that timed out). */
  notes: string[];
  error?: string;
}

export interface RowOptions {
  tag: string;
  /** Ends the row with an error instead of waiting for ever. */
  timeoutMs: number;
  slowMs: number;
  historyDays: number;
  historyCapPerDay: number;
}

const PREFIX = 'scale';
const LABELS = DEFAULT_LABELS.split(',');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;

/** A row's time limit: a minute and a half of set-up and slack, then 20 ms an article. */
export const rowTimeoutMs = (articles: number) => 90_000 + articles * 20;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? Number.NaN;
}

/** Median of `times` GETs after one to warm up; null (with the reason in `notes`) if one fails or takes over 2 minutes. */
async function timeGet(url: string, notes: string[], times = 3): Promise<number | null> {
  const once = async () => {
    const started = performance.now();
    const res = await fetch(url, { signal: AbortSignal.timeout(120_000) });
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`GET ${url} answered ${res.status}`);
    return performance.now() - started;
  };
  try {
    await once();
    const samples: number[] = [];
    for (let i = 0; i < times; i++) samples.push(await once());
    return round(median(samples));
  } catch (err) {
    notes.push(`GET ${new URL(url).pathname}: ${(err as Error).message}`);
    return null;
  }
}

async function requestRun(dashboardUrl: string): Promise<string> {
  const res = await fetch(`${dashboardUrl}/api/runs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{}',
  });
  const body = (await res.json()) as { runId?: string; message?: string };
  if (res.status !== 202 || !body.runId) throw new Error(`POST /api/runs answered ${res.status}: ${body.message}`);
  return body.runId;
}

/** Polls GET /api/runs/:id until the run is written, or fails with what the stack last said. */
async function waitForRun(stack: ScaleStack, runId: string, deadline: number): Promise<Run> {
  for (;;) {
    const res = await fetch(`${stack.dashboardUrl}/api/runs/${encodeURIComponent(runId)}`);
    if (res.status === 200) return (await res.json()) as Run;
    await res.arrayBuffer();
    if (res.status !== 202 && res.status !== 404) throw new Error(`GET /api/runs/${runId} answered ${res.status}`);
    if (Date.now() > deadline) {
      throw new Error(
        `run ${runId} was not written in time; last said:\nloader: ${stack.tail('loader').slice(-600)}\naggregator: ${stack.tail('aggregator').slice(-600)}`,
      );
    }
    await sleep(250);
  }
}

async function redisPeakMb(url: string): Promise<number> {
  const redis = createRedis(url);
  try {
    const info = await redis.info('memory');
    return round(Number(/used_memory_peak:(\d+)/.exec(info)?.[1] ?? Number.NaN) / 2 ** 20);
  } finally {
    redis.disconnect();
  }
}

const failedRow = (s: Scenario, hosts: number, error: string): ScaleRow => ({
  feeds: s.feeds,
  articles: s.articles,
  series: s.series,
  seconds: Number.NaN,
  articlesPerSecond: Number.NaN,
  loaderPeakMb: Number.NaN,
  aggregatorPeakMb: Number.NaN,
  classifierPeakMb: Number.NaN,
  dashboardPeakMb: Number.NaN,
  redisPeakMb: Number.NaN,
  flowMs: null,
  finaliseMs: null,
  afterFlowMs: null,
  pageMs: null,
  apiMs: null,
  classified: 0,
  failedArticles: 0,
  feedsOk: 0,
  feedsFailed: 0,
  hosts,
  maxInFlightPerHost: 0,
  historyArticles: 0,
  notes: [],
  error,
});

/**
 * One row: a fresh redis-server, a feed farm for the scenario and a fresh stack, one run
 * asked for through the dashboard, then 30 days of history and the page and API timed.
 * Everything it started is stopped, whatever happens.
 */
export async function runRow(scenario: Scenario, options: RowOptions): Promise<ScaleRow> {
  const plan = planFarm(scenario.feeds, scenario.articles, { tag: options.tag });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tidings-scale-'));
  // Stopped last-started first: the stack, then the farm, then Redis.
  const cleanups: (() => Promise<void>)[] = [];
  const deadline = Date.now() + options.timeoutMs;
  try {
    const redis = await startRedisServer({ dir: path.join(dir, 'redis') });
    cleanups.unshift(() => redis.stop());
    const farm = await startFeedFarm(plan, { slowMs: options.slowMs, published: new Date(Date.now() - 3_600_000) });
    cleanups.unshift(() => farm.close());
    const timeline = new RunTimeline();
    const stack = await startScaleStack({
      timeline,
      env: {
        REDIS_URL: redis.url,
        TIDINGS_PREFIX: PREFIX,
        DATA_DIR: path.join(dir, 'data'),
        FEED_URLS: farm.urls.join(','),
        FEED_ALLOW_PRIVATE: 'true',
        FETCH_TIMEOUT_MS: '2000',
        FETCH_RETRIES: '1',
        CLASSIFIER_CONCURRENCY: '16',
        CLASSIFIER_THREADS: '1',
        DASHBOARD_PORT: '0',
        LOG_LEVEL: 'info',
      },
    });
    cleanups.unshift(() => stack.stop());

    const started = Date.now();
    const runId = await requestRun(stack.dashboardUrl);
    const run = await waitForRun(stack, runId, deadline);
    const seconds = (Date.now() - started) / 1000;
    const peaks = stack.peakRssMb();
    const redisPeak = await redisPeakMb(redis.url);
    // The aggregator logs "run finished" just after the write the API already shows.
    for (let i = 0; i < 40 && timeline.moments(runId).finishedAt === undefined; i++) await sleep(50);
    const moments = timeline.moments(runId);
    const { flowMs, finaliseMs } = runDurations(Date.parse(run.startedAt), moments);
    const afterFlowMs =
      moments.enqueuedAt !== undefined && moments.finishedAt !== undefined
        ? moments.finishedAt - moments.enqueuedAt
        : null;

    const historyPerDay = Math.min(scenario.articles, options.historyCapPerDay);
    const seedConnection = createRedis(redis.url);
    try {
      await seedHistory(seedConnection, PREFIX, {
        days: options.historyDays,
        articlesPerDay: historyPerDay,
        labels: LABELS,
      });
    } finally {
      seedConnection.disconnect();
    }
    const notes: string[] = [];
    const pageMs = await timeGet(`${stack.dashboardUrl}/`, notes);
    const apiMs = await timeGet(`${stack.dashboardUrl}/api/topics`, notes);
    const load = farm.load();
    return {
      feeds: scenario.feeds,
      articles: scenario.articles,
      series: scenario.series,
      seconds: round(seconds, 2),
      articlesPerSecond: round(run.counts.classified / seconds),
      loaderPeakMb: round(peaks.loader),
      aggregatorPeakMb: round(peaks.aggregator),
      classifierPeakMb: round(peaks.classifier),
      dashboardPeakMb: round(peaks.dashboard),
      redisPeakMb: redisPeak,
      flowMs: flowMs ?? null,
      finaliseMs: finaliseMs ?? null,
      afterFlowMs,
      pageMs,
      apiMs,
      classified: run.counts.classified,
      failedArticles: run.failures.length,
      feedsOk: run.feeds.filter((f) => f.status === 'ok').length,
      feedsFailed: run.feeds.filter((f) => f.status === 'failed').length,
      hosts: plan.hosts,
      maxInFlightPerHost: Math.max(...load.map((l) => l.maxInFlight)),
      historyArticles: historyPerDay * options.historyDays,
      notes,
    };
  } catch (err) {
    return failedRow(scenario, plan.hosts, (err as Error).message);
  } finally {
    for (const cleanup of cleanups) await cleanup().catch(() => {});
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
