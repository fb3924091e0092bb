/**
 * `pnpm bench [--quick]`: tidings' classifier against the seed's way of running (see
 * src/bench-setup.ts), the library pipeline, int8, raw onnxruntime-node on the same
 * batches, process/thread layouts, the queue itself, story merging, the cost of own
 * topics and the feed parser against rss-parser, all measured side by side in this one run
 * on bench/models/distilbart-shaped (see make-bench-model.py). Medians with their spread,
 * peak RSS beside every speed figure; writes bench/results/latest.json.
 * `pnpm bench feed-parsing` runs the feed-parsing benchmark alone (it needs no model; the
 * others build on each other's figures) and writes bench/results/feed-parsing.json;
 * `pnpm bench reclassify` a day's run against a reclassify of the same articles, through the
 * real services, and writes bench/results/reclassify.json.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadNliModel, modelSource } from '@tidings/classifier';
import { startRedisServer } from '@tidings/runtime';
import { loadConfig } from '@tidings/shared';
import { BENCH_DIR, CORES, MODEL_DIR, QUICK, REPEATS } from './bench-setup.js';
import { feedParsing } from './benchmarks/feed-parsing.js';
import { int8VersusFp32 } from './benchmarks/int8-vs-fp32.js';
import { libraryVersusTidings } from './benchmarks/library-vs-tidings.js';
import { ownTopicCost } from './benchmarks/own-topics.js';
import { processLayouts } from './benchmarks/process-layouts.js';
import { queueOverhead } from './benchmarks/queue-overhead.js';
import { pipelineVersusRaw, queueBatches, rawRuntimeAlone } from './benchmarks/raw-runtime.js';
import { reclassifyVersusRun } from './benchmarks/reclassify-vs-run.js';
import { seedVersusTidings } from './benchmarks/seed-vs-tidings.js';
import { storyMerge } from './benchmarks/story-merge.js';
import { xenovaVersusHuggingface } from './benchmarks/xenova-vs-huggingface.js';
import { BenchReport } from './report.js';

/** `pnpm bench feed-parsing`: that benchmark alone, 3 runs a parser (its default), without the model. */
const FEED_PARSING_ONLY = process.argv.slice(2).includes('feed-parsing');
/** `pnpm bench reclassify`: a scheduled run and a reclassify of the same articles, alone. */
const RECLASSIFY_ONLY = process.argv.slice(2).includes('reclassify');

const machine = (repeats: number) => ({
  cpus: os.cpus()[0]?.model,
  cores: CORES,
  memoryGb: Math.round(os.totalmem() / 2 ** 30),
  node: process.version,
  quick: QUICK,
  repeats,
});

/** Writes the results to bench/results/`file` and prints the table, whose rows are medians of `repeats`. */
function finish(report: BenchReport, file: string, started: number, repeats: number): void {
  const seconds = (Date.now() - started) / 1000;
  const about = machine(repeats);
  report.write(path.join(BENCH_DIR, 'results', file), { date: new Date().toISOString(), machine: about, seconds });
  process.stdout.write(`\ntidings bench on ${about.cpus} (${CORES} cores), median (min–max) of ${repeats}\n\n`);
  process.stdout.write(report.table());
  process.stdout.write(`\nwrote bench/results/${file} in ${seconds.toFixed(0)} s\n`);
}

async function main() {
  if (FEED_PARSING_ONLY) {
    const started = Date.now();
    const report = new BenchReport();
    const { repeats } = feedParsing(report);
    finish(report, 'feed-parsing.json', started, repeats);
    process.exit(0);
  }
  if (!fs.existsSync(path.join(MODEL_DIR, 'onnx/model.onnx'))) {
    process.stderr.write(
      'bench: no bench model; make it with:\n  env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE /usr/bin/python3 bench/make-bench-model.py\n',
    );
    process.exit(1);
  }
  if (RECLASSIFY_ONLY) {
    const started = Date.now();
    const report = new BenchReport();
    const redis = await startRedisServer({ dir: fs.mkdtempSync(path.join(os.tmpdir(), 'tidings-bench-redis-')) });
    try {
      await reclassifyVersusRun(report, redis.url, MODEL_DIR, 3);
    } finally {
      await redis.stop();
    }
    finish(report, 'reclassify.json', started, 3);
    process.exit(0);
  }
  const started = Date.now();
  const report = new BenchReport();
  const model = await loadNliModel(
    modelSource(loadConfig({ MODEL_DIR, CLASSIFIER_THREADS: String(CORES) }).classifier),
    { threads: CORES },
  );
  const tidingsSeconds = await seedVersusTidings(report, model);
  const librarySeconds = await libraryVersusTidings(report, tidingsSeconds);
  await int8VersusFp32(report, model, tidingsSeconds);
  const raw = {
    fp32: await pipelineVersusRaw(report, 'fp32', model),
    q8: await pipelineVersusRaw(report, 'q8'),
  };
  report.results.raw = raw;
  const batches = queueBatches(model);
  await xenovaVersusHuggingface(report, librarySeconds);
  report.results.ownTopics = await ownTopicCost(report, model, 'distilbart-shaped, fp32');
  await model.dispose();
  const redisDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tidings-bench-redis-'));
  const redis = await startRedisServer({ dir: redisDir });
  try {
    await processLayouts(report, redis.url, (dtype, threads) => rawRuntimeAlone(dtype, threads, batches));
    await queueOverhead(report, redis.url, tidingsSeconds);
    await storyMerge(report, redis.url, tidingsSeconds);
  } finally {
    await redis.stop();
  }
  feedParsing(report, { repeats: REPEATS });
  finish(report, 'latest.json', started, REPEATS);
  process.exit(0);
}

void main();
