import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startClassifier } from '@tidings/classifier';
import { buildDashboard } from '@tidings/dashboard';
import { generatedFeed, startFeedServer } from '@tidings/feed-fixtures';
import { readFeed } from '@tidings/loader';
import { createLogger, createRedis, startRedisServer } from '@tidings/runtime';
import { JOB, loadConfig, QUEUE } from '@tidings/shared';
import { buildArticle, measurePeakRss, storeRunArticles, TINY_MODEL_DIR, waitFor } from '@tidings/testing';
import { type Job, Queue } from 'bullmq';

/**
 * The bad-input corpus: inputs whose risk is the process's limits (memory, body and item
 * caps) or that need a real worker or server around them. Feed-parsing and HTTP cases with
 * one clear error live in services/loader/test, configuration in packages/shared/test,
 * and the dashboard's own cases in services/dashboard/test.
 */
export interface CorpusResult {
  name: string;
  kind: 'feed' | 'job' | 'api';
  ok: boolean;
  message: string;
  peakRssMb: number;
  /** Peak RSS during the case minus RSS just before it. */
  growthMb: number;
  /** Every bound the case broke; empty when it held. */
  problems: string[];
}

interface Case {
  name: string;
  kind: CorpusResult['kind'];
  /** Returns the error (or outcome) a user sees. */
  run(): Promise<string>;
  expect: RegExp;
  /** Most RSS may grow during the case, in MB; the 600 MB process bound always applies. */
  maxGrowthMb?: number;
}

/** The process holds the NLI model, a classify worker, the dashboard and a feed server: generous, but a bound. */
export const PEAK_RSS_LIMIT_MB = 600;
/** FETCH_MAX_BYTES's default, which the body-cap case uses. */
const FETCH_CAP_MB = 5;
/**
 * How far RSS may grow while a capped body is read: the chunks kept up to the cap plus the
 * copies fetch made of them that GC has not collected yet. Measured 1.7-2.7x the cap on a
 * busy 2-core machine, so 2x would flake; with the cap lifted, reading the whole 50 MB body
 * grew it by 160 MB.
 */
const CAP_GROWTH_FACTOR = 4;

const XML_HEAD =
  '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>x</title><link>https://x.example/</link>';

async function measured(fn: () => Promise<string>): Promise<{ message: string; peakMb: number; growthMb: number }> {
  const beforeMb = process.memoryUsage().rss / 2 ** 20;
  const { value, peakMb } = await measurePeakRss(() => fn().catch((err: Error) => `threw: ${err.message}`));
  return { message: value, peakMb, growthMb: peakMb - beforeMb };
}

/**
 * Streams a 50 MB body from its own process, so the RSS the corpus measures is the reader's
 * alone; reports how many bytes it wrote before the reader hung up.
 */
async function startFiftyMbServer(): Promise<{ url: string; child: ChildProcess; sent(): Promise<number> }> {
  const script = `
    const http = require('node:http');
    const chunk = Buffer.alloc(256 * 1024, 'x');
    const server = http.createServer((req, res) => {
      let sent = 0;
      res.writeHead(200, { 'content-type': 'application/rss+xml' });
      res.on('close', () => console.log('sent ' + sent));
      const pump = () => {
        while (sent < 50 * 1024 * 1024) {
          sent += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        res.end();
      };
      pump();
    });
    server.listen(0, '127.0.0.1', () => console.log('port ' + server.address().port));
  `;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  const port = await waitFor(() => /port (\d+)/.exec(out)?.[1], { what: 'the 50 MB server' });
  return {
    url: `http://127.0.0.1:${port}/fifty-mb`,
    child,
    sent: async () => Number(await waitFor(() => /sent (\d+)/.exec(out)?.[1], { what: 'the 50 MB server to finish' })),
  };
}

export async function runCorpus(): Promise<CorpusResult[]> {
  const server = await startFeedServer({
    '/ten-thousand': (_q, r) => void r.end(generatedFeed(10_000, { tag: 'big' })),
    '/huge-title': (_q, r) =>
      void r.end(`${XML_HEAD}<item><title>${'Headline '.repeat(120_000)}</title><guid>t</guid></item></channel></rss>`),
  });
  const fiftyMb = await startFiftyMbServer();

  const feed = async (p: string, maxBytes?: number) => {
    const { report, articles } = await readFeed(p.startsWith('http') ? p : server.url(p), {
      summaryMaxChars: 1000,
      timeoutMs: 10_000,
      retries: 0,
      ...(maxBytes ? { maxBytes } : {}),
    });
    if (report.error) return `${report.error.code}: ${report.error.message}`;
    const estimated = articles.filter((a) => a.publishedEstimated).length;
    const longest = Math.max(0, ...articles.map((a) => a.title.length));
    return `ok: kept ${articles.length}, ${estimated} dates estimated, longest title ${longest}`;
  };

  const redisDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tidings-corpus-'));
  const redis = await startRedisServer({ dir: redisDir });
  const logger = createLogger('corpus', { level: 'silent' });
  // A real classify worker on a real queue: payloads are checked where the classifier checks them.
  const classifierConfig = loadConfig({
    REDIS_URL: redis.url,
    TIDINGS_PREFIX: 'corpus',
    MODEL_DIR: TINY_MODEL_DIR,
    CLASSIFIER_THREADS: '1',
    LOG_LEVEL: 'silent',
  });
  const classifier = await startClassifier({ config: classifierConfig, logger });
  const queueConnection = createRedis(redis.url);
  const classifyQueue = new Queue(QUEUE.classify, { connection: queueConnection, prefix: 'corpus' });
  const article = buildArticle({ id: 'a', feed: 'f', title: 'T', link: '', published: '2026-11-24T00:00:00Z' });
  // The article records a read-feed job would never write, in the run the jobs name.
  await storeRunArticles(queueConnection, 'corpus', 'r', [
    { id: 'noid', record: JSON.stringify({ ...article, id: undefined }) },
    { id: 'baddate', record: JSON.stringify({ ...article, id: 'baddate', published: 'soon' }) },
  ]);
  let jobs = 0;
  const job = async (data: unknown) => {
    const jobId = `corpus-${++jobs}`;
    await classifyQueue.add(JOB.classify, data, { jobId, attempts: 3, backoff: { type: 'fixed', delay: 10 } });
    const finished: Job = await waitFor(
      async () => {
        const j = await classifyQueue.getJob(jobId);
        return j?.finishedOn !== undefined ? j : undefined;
      },
      { what: `classify job ${jobId}`, timeoutMs: 30_000, intervalMs: 20 },
    );
    return finished.failedReason
      ? `failed after ${finished.attemptsMade} attempt(s): ${finished.failedReason}`
      : `completed: ${finished.returnvalue?.label}`;
  };

  const { app } = await buildDashboard({
    config: loadConfig({ REDIS_URL: redis.url, LOG_LEVEL: 'silent' }),
    logger,
  });
  const base = await app.listen({ host: '127.0.0.1', port: 0 });
  const api = async (pathName: string, init: RequestInit = {}) => {
    const res = await fetch(`${base}${pathName}`, init);
    const body = await res.text();
    return `${res.status} ${body}`;
  };
  const postRuns = (body: string) =>
    api('/api/runs', { method: 'POST', headers: { 'content-type': 'application/json' }, body });

  const cases: Case[] = [
    {
      name: '50 MB body',
      kind: 'feed',
      run: () => feed(fiftyMb.url, FETCH_CAP_MB * 2 ** 20),
      expect: /^FEED_TOO_LARGE: .*larger than FETCH_MAX_BYTES \(5242880 bytes\)/,
      maxGrowthMb: CAP_GROWTH_FACTOR * FETCH_CAP_MB,
    },
    {
      name: '10 000 items',
      kind: 'feed',
      run: () => feed('/ten-thousand'),
      expect: /^ok: kept 10000, 0 dates estimated/,
    },
    {
      name: '1 MB title',
      kind: 'feed',
      run: () => feed('/huge-title'),
      expect: /^ok: kept 1, 1 dates estimated, longest title (29\d|300)$/,
    },
    {
      name: 'classify job: not an object',
      kind: 'job',
      run: () => job('just a string'),
      expect: /^failed after 1 attempt\(s\): bad classify job data: \(root\): Invalid input/,
    },
    {
      name: 'classify job: article id with a key separator',
      kind: 'job',
      run: () => job({ runId: 'r', articleId: 'a:b' }),
      expect: /^failed after 1 attempt\(s\): bad classify job data: articleId: not an article id/,
    },
    {
      name: 'classify job: the article in the job',
      kind: 'job',
      run: () => job({ runId: 'r', articleId: 'a', article }),
      expect: /^failed after 1 attempt\(s\): bad classify job data: .*Unrecognized key: "article"/,
    },
    {
      name: 'classify job: article not in its run',
      kind: 'job',
      run: () => job({ runId: 'r', articleId: 'ghost' }),
      expect: /^failed after 1 attempt\(s\): article ghost of run r is not in the run's article hash/,
    },
    {
      name: 'classify job: record without id',
      kind: 'job',
      run: () => job({ runId: 'r', articleId: 'noid' }),
      expect: /^failed after 1 attempt\(s\): article noid of run r has a record .* that is not an article: id: /,
    },
    {
      name: 'classify job: record with an invalid date',
      kind: 'job',
      run: () => job({ runId: 'r', articleId: 'baddate' }),
      expect:
        /^failed after 1 attempt\(s\): article baddate of run r has a record .* that is not an article: published: Invalid ISO datetime/,
    },
    {
      name: 'POST /api/runs: not JSON',
      kind: 'api',
      run: () => postRuns('{feeds:'),
      expect: /^400 .*Body is not valid JSON|^400 .*Unexpected/,
    },
    {
      name: 'POST /api/runs: feeds not a list',
      kind: 'api',
      run: () => postRuns('{"feeds":"https://x.example"}'),
      expect: /^400 .*body\/feeds must be array/,
    },
    {
      name: 'POST /api/runs: unknown field',
      kind: 'api',
      run: () => postRuns('{"feed":["https://x.example"]}'),
      expect: /^400 .*body\/feed is not a field this accepts/,
    },
    {
      name: 'GET /api/topics?hours=abc',
      kind: 'api',
      run: () => api('/api/topics?hours=abc'),
      expect: /^400 .*querystring\/hours must be number/,
    },
  ];

  const results: CorpusResult[] = [];
  try {
    for (const c of cases) {
      const { message, peakMb, growthMb } = await measured(c.run);
      const problems: string[] = [];
      if (!c.expect.test(message)) problems.push(`unexpected outcome, wanted ${c.expect}`);
      if (peakMb >= PEAK_RSS_LIMIT_MB) problems.push(`peak RSS ${peakMb.toFixed(0)} MB >= ${PEAK_RSS_LIMIT_MB} MB`);
      if (c.maxGrowthMb !== undefined && growthMb > c.maxGrowthMb)
        problems.push(`RSS grew ${growthMb.toFixed(1)} MB > ${c.maxGrowthMb} MB`);
      results.push({
        name: c.name,
        kind: c.kind,
        ok: problems.length === 0,
        message,
        peakRssMb: peakMb,
        growthMb,
        problems,
      });
    }
    const big = results.find((r) => r.name === '50 MB body');
    const sent = await fiftyMb.sent();
    if (big && sent >= 50 * 1024 * 1024) {
      big.ok = false;
      big.problems.push('the whole body was sent: the cap did not stop reading');
    }
    if (big) big.message += ` (server sent ${(sent / 2 ** 20).toFixed(1)} MB)`;
  } finally {
    await app.close();
    await classifyQueue.close();
    queueConnection.disconnect();
    await classifier.close();
    await redis.stop();
    await server.close();
    fiftyMb.child.kill();
    fs.rmSync(redisDir, { recursive: true, force: true });
  }
  return results;
}
