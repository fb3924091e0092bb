/**
 * `pnpm bench:own [--quick]`: the cost of own topics on its own, the "9 own topics" rows of
 * `pnpm bench`: time per article against 0, 10, 50 and 200 distinct own topics, in fp32 and
 * int8, side by side in this one run, with peak RSS. On bench/models/distilbart-shaped when
 * it exists (made by make-bench-model.py), else on the tiny test model, which says little
 * about the real model's absolute cost but shows the shape of the curve (tokenising and
 * batching are tidings' own); the model used is in the output. Writes
 * bench/results/own-topics.json, and with the bench model docs/own-topics-chart.svg.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadNliModel, modelSource, TINY_MODEL_DIR } from '@tidings/classifier';
import { loadConfig } from '@tidings/shared';
import { BENCH_DIR, CORES, MODEL_DIR, OPTIONS, QUICK, REPEATS } from './bench-setup.js';
import { type OwnTopicCost, ownTopicChart, ownTopicCost } from './benchmarks/own-topics.js';
import { BenchReport } from './report.js';

async function main() {
  const started = Date.now();
  const benchModel = fs.existsSync(path.join(MODEL_DIR, 'onnx/model.onnx'));
  const dir = benchModel ? MODEL_DIR : TINY_MODEL_DIR;
  const name = benchModel ? 'distilbart-shaped' : 'tiny-nli';
  if (!benchModel) process.stderr.write('bench:own: no bench model (make-bench-model.py), so on the tiny test model\n');
  const report = new BenchReport();
  // The tiny model answers in about a millisecond: many more repeats for the same wall time.
  const repeats = benchModel ? REPEATS : QUICK ? 21 : 101;
  const lines: { name: string; cost: OwnTopicCost }[] = [];
  for (const dtype of ['fp32', 'q8'] as const) {
    const config = loadConfig({ MODEL_DIR: dir, MODEL_DTYPE: dtype });
    const model = await loadNliModel(modelSource(config.classifier), { threads: CORES });
    const cost = await ownTopicCost(report, model, `${name}, ${dtype}`, repeats);
    report.results[dtype === 'fp32' ? 'ownTopics' : 'ownTopicsQ8'] = cost;
    lines.push({ name: dtype, cost });
    await model.dispose();
  }
  // The chart in docs/performance.md is the real model's curve: the tiny model's would replace it.
  if (benchModel)
    fs.writeFileSync(path.join(BENCH_DIR, '../docs/own-topics-chart.svg'), ownTopicChart(lines, OPTIONS.labels.length));
  const machine = { cpus: os.cpus()[0]?.model, cores: CORES, node: process.version, quick: QUICK, repeats };
  const seconds = (Date.now() - started) / 1000;
  report.write(path.join(BENCH_DIR, 'results/own-topics.json'), { date: new Date().toISOString(), machine, seconds });
  process.stdout.write(
    `\ntidings own-topic bench on ${machine.cpus} (${CORES} cores), median (min–max) of ${repeats}\n\n`,
  );
  process.stdout.write(report.table());
  process.stdout.write(`\nwrote bench/results/own-topics.json in ${seconds.toFixed(0)} s\n`);
  process.exit(0);
}

void main();
