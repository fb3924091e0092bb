import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { classifyText, type NliModel } from '@tidings/classifier';
import { measurePeakRss } from '@tidings/testing';
import { BENCH_DIR, CORES, LABELS, MODEL_DIR, OPTIONS, REPEATS, TEMPLATE } from '../bench-setup.js';
import { benchPremise, fmt, stat, timeArticles } from '../measure.js';
import type { BenchReport } from '../report.js';

export async function seedVersusTidings(report: BenchReport, model: NliModel) {
  const premise = benchPremise(1);
  const hypotheses = LABELS.map((l) => TEMPLATE.replace('{}', l));
  const pairs = hypotheses.map((h) =>
    Array.from(model.tokenizer(premise, { text_pair: h }).input_ids.data as BigInt64Array, Number),
  );
  const seed = spawnSync('/usr/bin/python3', [path.join(BENCH_DIR, 'seed_pytorch.py')], {
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
  report.results.seed = {
    seed: seedStat,
    tidings: oursStat,
    ratio: seedStat.median / oursStat.median,
    maxLogitDiff: maxDiff,
    seedPeakRssMb: seedOut.peakRssMb,
    tidingsPeakRssMb: ours.peakMb,
    torch: seedOut.torch,
  };
  report.row(
    '1 seed: PyTorch eager, pair by pair',
    `${fmt(seedStat)} s/article`,
    `${seedOut.peakRssMb.toFixed(0)} MB`,
    '',
  );
  report.row(
    '1 tidings: batched ONNX, fp32',
    `${fmt(oursStat)} s/article`,
    `${ours.peakMb.toFixed(0)} MB`,
    `${(seedStat.median / oursStat.median).toFixed(1)}× the seed; max logit diff ${maxDiff.toExponential(1)}`,
  );
  return oursStat.median;
}
