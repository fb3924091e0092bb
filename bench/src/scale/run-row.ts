import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRedis, startRedisServer } from '@tidings/runtime';
import { DEFAULT_JOB_OPTIONS, DEFAULT_LABELS, type Run } from '@tidings/shared';
import { TopicStoreReader } from '@tidings/topic-store';
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
  /** From asking for the run (POST /api/runs) to its record in the topic store. */
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

/**
 * The configuration every row's stack shares beside its Redis, data directory and feeds: a
 * dead feed costs seconds rather than a minute; one no-op classifier takes 16 jobs at once;
 * info logs carry the moments the row is timed by.
 */
export const STACK_SETTINGS = {
  FEED_ALLOW_PRIVATE: 'true',
  FETCH_TIMEOUT_MS: '2000',
  FETCH_RETRIES: '1',
  CLASSIFIER_CONCURRENCY: '16',
  CLASSIFIER_THREADS: '1',
  LOG_LEVEL: 'info',
} as const;
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

/**
 * Waits for the run's record in the topic store (an EXISTS every 250 ms: asking the
 * dashboard instead would read the whole manifest of a running run each time), then reads it
 * through GET /api/runs/:id. Gives up at the deadline, or once the aggregator has failed the
 * run's job for good (a few seconds for its last lines to arrive), with what the stack last said.
 */
async function waitForRun(
  stack: ScaleStack,
  store: TopicStoreReader,
  timeline: RunTimeline,
  runId: string,
  deadline: number,
): Promise<Run> {
  const lastSaid = () =>
    `\nloader: ${stack.tail('loader').slice(-600)}\naggregator: ${stack.tail('aggregator').slice(-600)}`;
  while (!(await store.hasRun(runId))) {
    const { aggregateFailedAt, aggregateError } = timeline.moments(runId);
    if (aggregateFailedAt !== undefined && Date.now() - aggregateFailedAt > 5_000)
      throw new Error(`the aggregator failed run ${runId} and did not write it: ${aggregateError}${lastSaid()}`);
    if (Date.now() > deadline) throw new Error(`run ${runId} was not written in time${lastSaid()}`);
    await sleep(250);
  }
  const res = await fetch(`${stack.dashboardUrl}/api/runs/${encodeURIComponent(runId)}`);
  if (res.status !== 200) throw new Error(`GET /api/runs/${runId} answered ${res.status} for a written run`);
  return (await res.json()) as Run;
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

/** A row that did not finish, with whatever was measured before it stopped. */
const failedRow = (s: Scenario, hosts: number, error: string, measured: Partial<ScaleRow>): ScaleRow => ({
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
  ...measured,
  error,
});

/** Peak memory of every process, taken before anything is stopped. */
async function peaksOf(stack: ScaleStack, redisUrl: string) {
  const peaks = stack.peakRssMb();
  return {
    loaderPeakMb: round(peaks.loader),
    aggregatorPeakMb: round(peaks.aggregator),
    classifierPeakMb: round(peaks.classifier),
    dashboardPeakMb: round(peaks.dashboard),
    redisPeakMb: await redisPeakMb(redisUrl),
  };
}

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
  const timeline = new RunTimeline({ aggregateAttempts: DEFAULT_JOB_OPTIONS.aggregate.attempts ?? 1 });
  let measured: (() => Promise<Partial<ScaleRow>>) | undefined;
  try {
    const redis = await startRedisServer({ dir: path.join(dir, 'redis') });
    cleanups.unshift(() => redis.stop());
    const farm = await startFeedFarm(plan, { slowMs: options.slowMs, published: new Date(Date.now() - 3_600_000) });
    cleanups.unshift(() => farm.close());
    const stack = await startScaleStack({
      timeline,
      env: {
        REDIS_URL: redis.url,
        TIDINGS_PREFIX: PREFIX,
        DATA_DIR: path.join(dir, 'data'),
        FEED_URLS: farm.urls.join(','),
        ...STACK_SETTINGS,
        DASHBOARD_PORT: '0',
      },
    });
    cleanups.unshift(() => stack.stop());

    const storeConnection = createRedis(redis.url);
    cleanups.unshift(async () => storeConnection.disconnect());
    const started = Date.now();
    const runId = await requestRun(stack.dashboardUrl);
    // A run that is never written has no startedAt: its flow is timed from the request.
    measured = async () => {
      const { enqueuedAt } = timeline.moments(runId);
      return {
        ...(await peaksOf(stack, redis.url)),
        flowMs: enqueuedAt !== undefined ? enqueuedAt - started : null,
        notes: ['no run record: flowMs is timed from POST /api/runs'],
      };
    };
    const run = await waitForRun(stack, new TopicStoreReader(storeConnection, PREFIX), timeline, runId, deadline);
    const seconds = (Date.now() - started) / 1000;
    const peaks = await peaksOf(stack, redis.url);
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
      ...peaks,
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
    const partial = measured ? await measured().catch(() => ({})) : {};
    return failedRow(scenario, plan.hosts, (err as Error).message, partial);
  } finally {
    for (const cleanup of cleanups) await cleanup().catch(() => {});
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
