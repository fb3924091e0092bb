/**
 * `pnpm bench:search [--quick]`: search over RETENTION_DAYS (30) days of 5 000 articles a
 * day, as the dashboard serves it. A private redis-server gets 30 daily runs written through
 * TopicStoreWriter.writeRun; then this process builds the index as the dashboard does (time, and
 * the time to take in one more day), runs the queries a reader types ("b", "bi", "bit"…)
 * and a few of one to three words, in process and over HTTP against a real dashboard
 * process, and reads that process's peak RSS (beside a dashboard on an empty store).
 * Writes bench/results/search.json.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT, spawnService } from '@tidings/cli';
import { ArticleSearch, isSearchQuery, parseSearchQuery } from '@tidings/dashboard';
import { createRedis, freePort, startRedisServer } from '@tidings/runtime';
import { DEFAULT_LABELS } from '@tidings/shared';
import { peakRssMbOf } from '@tidings/testing';
import { TopicStoreWriter } from '@tidings/topic-store';
import { BENCH_DIR } from './bench-setup.js';
import { Corpus } from './search-corpus.js';

const QUICK = process.argv.includes('--quick');
const DAYS = 30;
const PER_DAY = QUICK ? 500 : 5_000;
const REPEATS = QUICK ? 5 : 30;
const LABELS = DEFAULT_LABELS.split(',');
const PREFIX = 'bench-search';
const TYPED = ['b', 'bi', 'bit', 'bitc', 'bitco', 'bitcoi', 'bitcoin'];
const QUERIES = [
  ...TYPED,
  'fed',
  'oil opec',
  'bitcoin etf',
  's&p 500',
  'nvidia shares rose',
  'société générale',
  'warren buffett said',
  'qurinven',
  'zzzz',
];

interface Latency {
  medianMs: number;
  p95Ms: number;
  total: number;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] ?? Number.NaN;
}

async function timeQuery(run: () => Promise<number>, repeats = REPEATS): Promise<Latency> {
  let total = await run();
  const times: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const t = performance.now();
    total = await run();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return { medianMs: round(percentile(times, 0.5)), p95Ms: round(percentile(times, 0.95)), total };
}

const round = (x: number, digits = 2) => Number(x.toFixed(digits));

/** A process's resident memory now (VmRSS), in MB. */
function rssMbOf(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
}

async function startDashboardProcess(redisUrl: string, prefix: string) {
  const port = await freePort();
  const child = spawnService('dashboard', {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      REDIS_URL: redisUrl,
      TIDINGS_PREFIX: prefix,
      DASHBOARD_HOST: '127.0.0.1',
      DASHBOARD_PORT: String(port),
      RETENTION_DAYS: String(DAYS),
      LOG_LEVEL: 'warn',
      DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'tidings-bench-dash-')),
    },
  });
  const base = `http://127.0.0.1:${port}`;
  const started = performance.now();
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the dashboard exited with ${child.exitCode}`);
    const up = await fetch(`${base}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (up) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    base,
    pid: child.pid ?? 0,
    startMs: performance.now() - started,
    stop: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

async function main() {
  const redisDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tidings-bench-search-redis-'));
  const server = await startRedisServer({ dir: redisDir, appendOnly: false });
  const redis = createRedis(server.url);
  const stops: (() => Promise<void>)[] = [];
  try {
    const store = new TopicStoreWriter(redis, PREFIX, { labelOrder: LABELS });
    const corpus = new Corpus();
    const today = Date.now();
    let writeMs = 0;
    let chars = 0;
    for (let d = DAYS - 1; d >= 0; d--) {
      // Every day's articles fall inside the retention window, the oldest day's too.
      const run = corpus.run(`day-${d}`, today - d * 86_400_000 - 1_800_000, PER_DAY, LABELS);
      for (const a of run.topics.flatMap((g) => g.articles)) chars += a.title.length + a.summary.length;
      const t = performance.now();
      await store.writeRun(run);
      writeMs += performance.now() - t;
    }
    const articles = DAYS * PER_DAY;
    process.stdout.write(
      `stored ${articles} articles (${(chars / articles).toFixed(0)} characters of title and summary each) in ${(writeMs / 1000).toFixed(1)} s\n`,
    );

    const search = new ArticleSearch(store, { retentionDays: DAYS });
    const rssBefore = process.memoryUsage().rss;
    let t = performance.now();
    await search.refresh();
    const buildMs = performance.now() - t;
    const indexRssMb = (process.memoryUsage().rss - rssBefore) / 2 ** 20;
    process.stdout.write(`index built from the store in ${(buildMs / 1000).toFixed(2)} s (${search.size} articles)\n`);

    const inProcess: Record<string, Latency> = {};
    for (const q of QUERIES) {
      const query = parseSearchQuery({ q });
      if (!isSearchQuery(query)) throw new Error(`bench query '${q}' refused: ${query.body.message}`);
      inProcess[q] = await timeQuery(async () => (await search.search(query)).total);
    }

    // One more day arrives: the index reads that run only.
    await store.writeRun(corpus.run('day-next', today - 60_000, PER_DAY, LABELS));
    t = performance.now();
    await search.refresh();
    const catchUpMs = performance.now() - t;

    const empty = await startDashboardProcess(server.url, `${PREFIX}-empty`);
    stops.push(empty.stop);
    await fetch(`${empty.base}/api/search?q=bitcoin`);
    const emptyPeakMb = peakRssMbOf(empty.pid);

    const dashboard = await startDashboardProcess(server.url, PREFIX);
    stops.push(dashboard.stop);
    t = performance.now();
    const first = await fetch(`${dashboard.base}/api/search?q=bitcoin`);
    if (!first.ok) throw new Error(`search failed: HTTP ${first.status} ${await first.text()}`);
    const firstAnswerMs = dashboard.startMs + (performance.now() - t);
    const overHttp: Record<string, Latency> = {};
    for (const q of QUERIES) {
      overHttp[q] = await timeQuery(async () => {
        const res = await fetch(`${dashboard.base}/api/search?q=${encodeURIComponent(q)}`);
        return ((await res.json()) as { total: number }).total;
      });
    }
    // Read before any page is served: the page's runs table reads whole runs, which at this
    // size costs more memory than the index, and is not what is measured here.
    const dashboardPeakMb = peakRssMbOf(dashboard.pid);
    const dashboardRssMb = rssMbOf(dashboard.pid);
    const timePage = (query: string) =>
      timeQuery(async () => {
        const res = await fetch(`${dashboard.base}/${query}`);
        await res.text();
        return res.status;
      }, 5);
    const searchPage = await timePage('?q=bitcoin');
    const topicPage = await timePage('');

    const result = {
      date: new Date().toISOString(),
      machine: { cpus: os.cpus()[0]?.model, cores: os.availableParallelism(), node: process.version, quick: QUICK },
      corpus: { days: DAYS, perDay: PER_DAY, articles, charsPerArticle: Math.round(chars / articles) },
      repeats: REPEATS,
      storeWriteSeconds: round(writeMs / 1000),
      indexBuildSeconds: round(buildMs / 1000),
      indexRssGrowthMb: round(indexRssMb, 0),
      catchUpOneDayMs: round(catchUpMs, 0),
      dashboardFirstAnswerSeconds: round(firstAnswerMs / 1000),
      dashboardPeakRssMb: round(dashboardPeakMb, 0),
      dashboardRssAfterQueriesMb: round(dashboardRssMb, 0),
      emptyDashboardPeakRssMb: round(emptyPeakMb, 0),
      queriesInProcess: inProcess,
      queriesOverHttp: overHttp,
      pagesOverHttp: {
        search: { path: '/?q=bitcoin', medianMs: searchPage.medianMs, p95Ms: searchPage.p95Ms },
        topics: { path: '/', medianMs: topicPage.medianMs, p95Ms: topicPage.p95Ms },
      },
      loadAverage: os.loadavg().map((x) => round(x)),
    };
    fs.mkdirSync(path.join(BENCH_DIR, 'results'), { recursive: true });
    fs.writeFileSync(path.join(BENCH_DIR, 'results/search.json'), `${JSON.stringify(result, null, 2)}\n`);

    const rows = QUERIES.map((q) => {
      const a = inProcess[q];
      const b = overHttp[q];
      return `| ${q.padEnd(20)} | ${String(b?.total).padStart(6)} | ${a?.medianMs} / ${a?.p95Ms} | ${b?.medianMs} / ${b?.p95Ms} |`;
    });
    process.stdout.write(
      [
        '',
        `| query                | total  | in process ms (median / p95) | HTTP ms (median / p95) |`,
        '| --- | --- | --- | --- |',
        ...rows,
        '',
        `catch-up after one more day: ${catchUpMs.toFixed(0)} ms; first answer of a fresh dashboard: ${(firstAnswerMs / 1000).toFixed(2)} s`,
        `dashboard peak RSS: ${dashboardPeakMb.toFixed(0)} MB, ${dashboardRssMb.toFixed(0)} MB after the queries (empty store: ${emptyPeakMb.toFixed(0)} MB)`,
        `pages (median / p95): /?q=bitcoin ${searchPage.medianMs} / ${searchPage.p95Ms} ms, / ${topicPage.medianMs} / ${topicPage.p95Ms} ms`,
        'wrote bench/results/search.json',
        '',
      ].join('\n'),
    );
  } finally {
    for (const stop of stops) await stop();
    redis.disconnect();
    await server.stop();
    fs.rmSync(redisDir, { recursive: true, force: true });
  }
}

void main();
