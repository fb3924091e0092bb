/**
 * `pnpm bench:stories [--quick]`: the story-merging row of `pnpm bench` on its own. It needs
 * a redis-server (started here, private), not the bench model; writes bench/results/stories.json.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startRedisServer } from '@tidings/runtime';
import { BENCH_DIR, CORES, QUICK, REPEATS } from './bench-setup.js';
import { storyMerge } from './benchmarks/story-merge.js';
import { BenchReport } from './report.js';

async function main() {
  const started = Date.now();
  const report = new BenchReport();
  const redisDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tidings-bench-redis-'));
  const redis = await startRedisServer({ dir: redisDir });
  try {
    await storyMerge(report, redis.url);
  } finally {
    await redis.stop();
    fs.rmSync(redisDir, { recursive: true, force: true });
  }
  const machine = { cpus: os.cpus()[0]?.model, cores: CORES, node: process.version, quick: QUICK, repeats: REPEATS };
  const seconds = (Date.now() - started) / 1000;
  report.write(path.join(BENCH_DIR, 'results/stories.json'), { date: new Date().toISOString(), machine, seconds });
  process.stdout.write(
    `\ntidings story-merge bench on ${machine.cpus} (${CORES} cores), median (min–max) of ${REPEATS}\n\n`,
  );
  process.stdout.write(report.table());
  process.stdout.write(`\nwrote bench/results/stories.json in ${seconds.toFixed(0)} s\n`);
  process.exit(0);
}

void main();
