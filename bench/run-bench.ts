/**
 * `pnpm bench [--quick]`: tidings' classifier against the seed's way of running, the library
 * pipeline, int8, process/thread layouts and the queue itself, all measured side by side in
 * this one run on bench/models/distilbart-shaped (see make-bench-model.py). Medians with
 * their spread, peak RSS beside every speed figure; writes bench/results/latest.json.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startAggregator } from '@tidings/aggregator';
import { classifyText, loadLibraryZeroShot, loadNliModel, modelSource, type NliModel } from '@tidings/classifier';
import { ROOT, spawnService } from '@tidings/cli';
import { type ClassifyResult, DEFAULT_LABELS, JOB, loadConfig, QUEUE, requestRun } from '@tidings/contracts';
import {
  createLogger,
  createRedis,
  liveWorkers,
  measurePeakRss,
  peakRssMbOf,
  startRedisServer,
} from '@tidings/runtime';
import { Queue, Worker } from 'bullmq';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const MODEL_DIR = path.join(HERE, 'models/distilbart-shaped');
const QUICK = process.argv.includes('--quick');
const REPEATS = QUICK ? 3 : 7;
const CORES = os.availableParallelism();
const LABELS = DEFAULT_LABELS.split(',');
const TEMPLATE = 'This example is {}.';
const OPTIONS = loadConfig({ LABELS: DEFAULT_LABELS, HYPOTHESIS_TEMPLATE: TEMPLATE }).zeroShot;

interface Stat {
  median: number;
  min: number;
  max: number;
}
const stat = (xs: number[]): Stat => {
  const s = [...xs].sort((a, b) => a - b);
  return { median: s[Math.floor(s.length / 2)] ?? Number.NaN, min: s[0] ?? Number.NaN, max: s.at(-1) ?? Number.NaN };
};
const fmt = (s: Stat, digits = 3) => `${s.median.toFixed(digits)} (${s.min.toFixed(digits)}–${s.max.toFixed(digits)})`;

/** A premise of exactly `tokens` words from the bench vocabulary. */
const benchPremise = (seed: number, tokens = 48) =>
  Array.from({ length: tokens }, (_, i) => `w${1000 + ((seed * 7919 + i * 104729) % 49000)}`).join(' ');

async function timeArticles(fn: (text: string) => Promise<unknown>, repeats = REPEATS): Promise<number[]> {
  await fn(benchPremise(0));
  const times: number[] = [];
  for (let r = 0; r < repeats; r++) {
    const t = performance.now();
    await fn(benchPremise(r + 1));
    times.push((performance.now() - t) / 1000);
  }
  return times;
}

const results: Record<string, unknown> = {};
const rows: string[][] = [];
const row = (...cells: string[]) => rows.push(cells);

async function seedVersusTidings(model: NliModel) {
  const premise = benchPremise(1);
  const hypotheses = LABELS.map((l) => TEMPLATE.replace('{}', l));
  const pairs = hypotheses.map((h) =>
    Array.from(model.tokenizer(premise, { text_pair: h }).input_ids.data as BigInt64Array, Number),
  );
  const seed = spawnSync('/usr/bin/python3', [path.join(HERE, 'seed_pytorch.py')], {
    input: JSON.stringify({ pairs, repeats: REPEATS, threads: CORES, modelDir: MODEL_DIR }),
    encoding: 'utf8',
    env: { ...process.env, OPENBLAS_CORETYPE: '', OPENBLAS_L2_SIZE: '' },
    maxBuffer: 16 * 2 ** 20,
  });
  if (seed.status !== 0) throw new Error(`seed_pytorch.py failed: ${seed.stderr.slice(-500)}`);
  const seedOut = JSON.parse(seed.stdout) as {
    secondsPerArticle: number[];
    logits: number[][];
    peakRssMb: number;
    torch: string;
  };
  const ours = await measurePeakRss(() => timeArticles((t) => classifyText(model, t, OPTIONS)));
  const onnxLogits = await model.logits(
    hypotheses.map(() => premise),
    hypotheses,
  );
  const maxDiff = Math.max(
    ...onnxLogits.flatMap((r, i) => Array.from(r, (v, j) => Math.abs(v - (seedOut.logits[i]?.[j] ?? Number.NaN)))),
  );
  const seedStat = stat(seedOut.secondsPerArticle);
  const oursStat = stat(ours.value);
  results.seed = {
    seed: seedStat,
    tidings: oursStat,
    ratio: seedStat.median / oursStat.median,
    maxLogitDiff: maxDiff,
    seedPeakRssMb: seedOut.peakRssMb,
    tidingsPeakRssMb: ours.peakMb,
    torch: seedOut.torch,
  };
  row('1 seed: PyTorch eager, pair by pair', `${fmt(seedStat)} s/article`, `${seedOut.peakRssMb.toFixed(0)} MB`, '');
  row(
    '1 tidings: batched ONNX, fp32',
    `${fmt(oursStat)} s/article`,
    `${ours.peakMb.toFixed(0)} MB`,
    `${(seedStat.median / oursStat.median).toFixed(1)}× the seed; max logit diff ${maxDiff.toExponential(1)}`,
  );
  return oursStat.median;
}

async function libraryVersusTidings(tidingsSeconds: number): Promise<number> {
  const source = modelSource(loadConfig({ MODEL_DIR, CLASSIFIER_THREADS: String(CORES) }).classifier);
  const library = await loadLibraryZeroShot(source, { threads: CORES });
  const lib = await measurePeakRss(() =>
    timeArticles((t) => library(t, LABELS, { hypothesis_template: TEMPLATE, multi_label: false })),
  );
  await library.dispose();
  const s = stat(lib.value);
  results.library = { library: s, tidings: tidingsSeconds, ratio: s.median / tidingsSeconds, peakRssMb: lib.peakMb };
  row(
    '2 library zero-shot pipeline, pair by pair',
    `${fmt(s)} s/article`,
    `${lib.peakMb.toFixed(0)} MB`,
    `tidings is ${(s.median / tidingsSeconds).toFixed(2)}× faster`,
  );
  return s.median;
}

async function int8VersusFp32(fp32: NliModel, fp32Seconds: number) {
  const source = modelSource(
    loadConfig({ MODEL_DIR, MODEL_DTYPE: 'q8', CLASSIFIER_THREADS: String(CORES) }).classifier,
  );
  const q8 = await loadNliModel(source, { threads: CORES });
  const t = await measurePeakRss(() => timeArticles((text) => classifyText(q8, text, OPTIONS)));
  const texts = Array.from({ length: QUICK ? 10 : 30 }, (_, i) => benchPremise(100 + i));
  let agree = 0;
  for (const text of texts) {
    if ((await classifyText(q8, text, OPTIONS)).label === (await classifyText(fp32, text, OPTIONS)).label) agree++;
  }
  await q8.dispose();
  const s = stat(t.value);
  results.int8 = {
    q8: s,
    fp32: fp32Seconds,
    ratio: fp32Seconds / s.median,
    labelAgreement: agree / texts.length,
    peakRssMb: t.peakMb,
  };
  row(
    '3 tidings int8 (q8)',
    `${fmt(s)} s/article`,
    `${t.peakMb.toFixed(0)} MB`,
    `${(fp32Seconds / s.median).toFixed(2)}× fp32; labels agree ${agree}/${texts.length}`,
  );
}

/** The card's @xenova/transformers 2.17.2 pipeline against @huggingface/transformers' on the same model. */
async function xenovaVersusHuggingface(libraryMedian: number) {
  const xenova = await import('@xenova/transformers');
  xenova.env.allowRemoteModels = false;
  xenova.env.localModelPath = `${path.dirname(MODEL_DIR)}/`;
  // The same weights as one file: @xenova/transformers 2.x cannot read external data.
  const classifier = await xenova.pipeline('zero-shot-classification', `${path.basename(MODEL_DIR)}-single`, {
    quantized: false,
  });
  const t = await measurePeakRss(() =>
    timeArticles(
      (text) => classifier(text, LABELS, { hypothesis_template: TEMPLATE, multi_label: false }) as Promise<unknown>,
    ),
  );
  await classifier.dispose();
  const s = stat(t.value);
  results.xenova = { xenova: s, huggingface: libraryMedian, ratio: s.median / libraryMedian, peakRssMb: t.peakMb };
  row(
    '6 @xenova/transformers 2.17.2 pipeline',
    `${fmt(s)} s/article`,
    `${t.peakMb.toFixed(0)} MB*`,
    `@huggingface/transformers 4 is ${(s.median / libraryMedian).toFixed(2)}× faster`,
  );
}

/** Classifier processes on a real queue: articles per second and each process's peak RSS. */
async function layouts(redisUrl: string) {
  const n = QUICK ? 16 : 48;
  const layoutsToRun = [
    { name: `1 process × ${CORES} threads`, processes: 1, threads: CORES, dtype: 'fp32' },
    { name: `${CORES} processes × 1 thread`, processes: CORES, threads: 1, dtype: 'fp32' },
    { name: `${CORES} processes × 1 thread, q8`, processes: CORES, threads: 1, dtype: 'q8' },
  ];
  const out: Record<string, unknown> = {};
  for (const [index, layout] of layoutsToRun.entries()) {
    const prefix = `bench${index}`;
    const connection = createRedis(redisUrl);
    const queue = new Queue(QUEUE.classify, { connection, prefix });
    const procs = Array.from({ length: layout.processes }, () =>
      spawnService('classifier', {
        cwd: ROOT,
        env: {
          PATH: process.env.PATH ?? '',
          REDIS_URL: redisUrl,
          TIDINGS_PREFIX: prefix,
          MODEL_DIR,
          MODEL_DTYPE: layout.dtype,
          CLASSIFIER_THREADS: String(layout.threads),
          LOG_LEVEL: 'warn',
        },
        stdio: 'ignore',
      }),
    );
    for (;;) {
      if ((await liveWorkers(connection, prefix)).length === layout.processes) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    const started = performance.now();
    await queue.addBulk(
      Array.from({ length: n }, (_, i) => ({
        name: JOB.classify,
        data: {
          runId: 'bench',
          article: {
            id: `a${i}`,
            feed: 'bench',
            title: benchPremise(i),
            summary: '',
            link: '',
            published: '2026-11-24T00:00:00.000Z',
            fetchedAt: '2026-11-24T00:00:00.000Z',
          },
        },
      })),
    );
    while (((await queue.getJobCounts('completed')).completed ?? 0) < n) await new Promise((r) => setTimeout(r, 50));
    const seconds = (performance.now() - started) / 1000;
    const rss = procs.map((p) => peakRssMbOf(p.pid ?? 0));
    for (const p of procs) p.kill('SIGTERM');
    await Promise.all(procs.map((p) => new Promise((r) => p.once('exit', r))));
    await queue.obliterate({ force: true });
    await queue.close();
    connection.disconnect();
    out[layout.name] = { articlesPerSecond: n / seconds, peakRssMbPerProcess: rss };
    row(
      `4 queue: ${layout.name}`,
      `${(n / seconds).toFixed(2)} articles/s`,
      `${Math.max(...rss).toFixed(0)} MB/process`,
      `${n} articles through the real queue`,
    );
  }
  results.layouts = out;
}

/** Loader → no-op classifier → aggregator for many articles: what the queue itself costs. */
async function queueOverhead(redisUrl: string, classifySeconds: number) {
  const n = QUICK ? 1000 : 5000;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tidings-bench-'));
  const feed = path.join(dir, 'feed.xml');
  const { writeGeneratedFeed } = await import('@tidings/feed-fixtures');
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
  const worker = new Worker(QUEUE.classify, async (job) => ({ ...noop, articleId: job.data.article.id }), {
    connection: createRedis(redisUrl),
    prefix: 'benchq',
    concurrency: 100,
  });
  const feeds = new Queue(QUEUE.feeds, { connection: createRedis(redisUrl), prefix: 'benchq' });
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
  results.queue = {
    articles: n,
    seconds,
    articlesPerSecond: n / seconds,
    overheadSecondsPerArticle: perArticle,
    shareOfClassify: perArticle / classifySeconds,
    loaderPeakRssMb: loaderRss,
    classified: run.counts.classified,
  };
  row(
    `5 queue, no-op model, ${n} articles`,
    `${(n / seconds).toFixed(0)} articles/s`,
    `loader ${loaderRss.toFixed(0)} MB`,
    `${(perArticle * 1000).toFixed(2)} ms/article = ${((perArticle / classifySeconds) * 100).toFixed(2)}% of classify time`,
  );
  fs.rmSync(dir, { recursive: true, force: true });
}

async function main() {
  if (!fs.existsSync(path.join(MODEL_DIR, 'onnx/model.onnx'))) {
    process.stderr.write(
      'bench: no bench model; make it with:\n  env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE /usr/bin/python3 bench/make-bench-model.py\n',
    );
    process.exit(1);
  }
  const started = Date.now();
  const model = await loadNliModel(
    modelSource(loadConfig({ MODEL_DIR, CLASSIFIER_THREADS: String(CORES) }).classifier),
    { threads: CORES },
  );
  const tidingsSeconds = await seedVersusTidings(model);
  const librarySeconds = await libraryVersusTidings(tidingsSeconds);
  await int8VersusFp32(model, tidingsSeconds);
  await xenovaVersusHuggingface(librarySeconds);
  await model.dispose();
  const redisDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tidings-bench-redis-'));
  const redis = await startRedisServer({ dir: redisDir });
  try {
    await layouts(redis.url);
    await queueOverhead(redis.url, tidingsSeconds);
  } finally {
    await redis.stop();
  }
  const machine = {
    cpus: os.cpus()[0]?.model,
    cores: CORES,
    memoryGb: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    quick: QUICK,
    repeats: REPEATS,
  };
  const report = { date: new Date().toISOString(), machine, seconds: (Date.now() - started) / 1000, results };
  fs.mkdirSync(path.join(HERE, 'results'), { recursive: true });
  fs.writeFileSync(path.join(HERE, 'results/latest.json'), `${JSON.stringify(report, null, 2)}\n`);
  const widths = [0, 1, 2, 3].map((i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  process.stdout.write(`\ntidings bench on ${machine.cpus} (${CORES} cores), median (min–max) of ${REPEATS}\n\n`);
  for (const r of rows) process.stdout.write(`${r.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ')}\n`);
  process.stdout.write(`\nwrote bench/results/latest.json in ${report.seconds.toFixed(0)} s\n`);
  process.exit(0);
}

void main();
