import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  classifyText,
  hypothesesFor,
  loadNliModel,
  modelSource,
  type NliModel,
  onnxFileFor,
  type PairBatch,
} from '@tidings/classifier';
import { loadConfig } from '@tidings/shared';
import { measurePeakRss } from '@tidings/testing';
import * as ort from 'onnxruntime-node';
import { CORES, MODEL_DIR, OPTIONS, QUEUE_ARTICLES, REPEATS } from '../bench-setup.js';
import { benchPremise, fmt, type Stat, stat } from '../measure.js';
import type { BenchReport } from '../report.js';

export interface RawRuntimeResult {
  dtype: 'fp32' | 'q8';
  /** Seconds per article: tidings' classifyText, tokenising included. */
  pipeline: Stat;
  /** Seconds per article: InferenceSession.run alone on the same padded batch. */
  raw: Stat;
  /** Median over articles of pipeline / raw, each article's pair measured back to back. */
  ratio: number;
  tokeniseMs: number;
  /** Real tokens / padded tokens in the batch: what padding to the longest pair costs, raw included. */
  paddingEfficiency: number;
  maxLogitDiff: number;
  peakRssMb: number;
}

/** Session options as @huggingface/transformers sets them for tidings (model-runtime.ts). */
const sessionOptions = (): ort.InferenceSession.SessionOptions => ({
  intraOpNumThreads: CORES,
  interOpNumThreads: 1,
  executionProviders: ['cpu'],
});

const feeds = (batch: PairBatch) => ({
  input_ids: new ort.Tensor('int64', batch.inputIds, batch.dims),
  attention_mask: new ort.Tensor('int64', batch.attentionMask, batch.dims),
});

async function rawLogits(session: ort.InferenceSession, batch: PairBatch): Promise<Float32Array> {
  const out = await session.run(feeds(batch));
  return out[session.outputNames[0] ?? 'logits']?.data as Float32Array;
}

/**
 * The distance to the runtime's limit: tidings' classifyText against raw onnxruntime-node
 * (the build @huggingface/transformers runs on, same file, same threads) on the very padded
 * batch the pipeline builds for the article. The two alternate article by article, and
 * which goes first alternates too, so a noisy machine weighs on both alike.
 */
export async function pipelineVersusRaw(
  report: BenchReport,
  dtype: 'fp32' | 'q8',
  loaded?: NliModel,
): Promise<RawRuntimeResult> {
  const measured = await measurePeakRss(async () => {
    const model =
      loaded ??
      (await loadNliModel(
        modelSource(loadConfig({ MODEL_DIR, MODEL_DTYPE: dtype, CLASSIFIER_THREADS: String(CORES) }).classifier),
        { threads: CORES },
      ));
    const session = await ort.InferenceSession.create(path.join(MODEL_DIR, onnxFileFor(dtype)), sessionOptions());
    const hypotheses = hypothesesFor(OPTIONS);
    const batchOf = (text: string) =>
      model.encode(
        hypotheses.map(() => text),
        hypotheses,
      );
    const first = batchOf(benchPremise(0));
    const ours = await model.run(first);
    const theirs = await rawLogits(session, first);
    const cols = ours[0]?.length ?? 0;
    const maxLogitDiff = Math.max(
      ...ours.flatMap((r, i) => Array.from(r, (v, j) => Math.abs(v - (theirs[i * cols + j] ?? Number.NaN)))),
    );
    await classifyText(model, benchPremise(0), OPTIONS);
    const pipeline: number[] = [];
    const raw: number[] = [];
    const tokenise: number[] = [];
    const efficiency: number[] = [];
    for (let r = 1; r <= REPEATS; r++) {
      const text = benchPremise(r);
      const timePipeline = async () => {
        const t = performance.now();
        await classifyText(model, text, OPTIONS);
        pipeline.push((performance.now() - t) / 1000);
      };
      const timeRaw = async () => {
        const t = performance.now();
        const batch = batchOf(text);
        const encoded = performance.now();
        await session.run(feeds(batch));
        raw.push((performance.now() - encoded) / 1000);
        tokenise.push(encoded - t);
        const real = batch.attentionMask.reduce((a, b) => a + Number(b), 0);
        efficiency.push(real / batch.attentionMask.length);
      };
      if (r % 2) {
        await timePipeline();
        await timeRaw();
      } else {
        await timeRaw();
        await timePipeline();
      }
    }
    await session.release();
    if (!loaded) await model.dispose();
    return {
      pipeline: stat(pipeline),
      raw: stat(raw),
      ratio: stat(pipeline.map((p, i) => p / (raw[i] ?? Number.NaN))).median,
      tokeniseMs: stat(tokenise).median,
      paddingEfficiency: stat(efficiency).median,
      maxLogitDiff,
    };
  });
  const result: RawRuntimeResult = { dtype, ...measured.value, peakRssMb: measured.peakMb };
  report.row(
    `7 raw onnxruntime-node, same padded batches, ${dtype}`,
    `${fmt(result.raw)} s/article`,
    `${result.peakRssMb.toFixed(0)} MB*`,
    `tidings ${fmt(result.pipeline)} s = ${result.ratio.toFixed(3)}× raw; tokenising ${result.tokeniseMs.toFixed(1)} ms; ${(result.paddingEfficiency * 100).toFixed(0)}% of the batch is real tokens; logits differ by ${result.maxLogitDiff.toExponential(1)}`,
  );
  return result;
}

/** The padded batches a classifier builds for the articles process-layouts.ts queues (title only). */
export function queueBatches(model: NliModel): PairBatch[] {
  const hypotheses = hypothesesFor(OPTIONS);
  return Array.from({ length: QUEUE_ARTICLES }, (_, i) =>
    model.encode(
      hypotheses.map(() => benchPremise(i)),
      hypotheses,
    ),
  );
}

export interface RawAlone {
  /** Seconds per batch, one sample per article. */
  samples: number[];
  peakRssMb: number;
}

/**
 * Raw onnxruntime-node on those batches in a process of its own (raw-runtime-process.ts),
 * as a classifier runs: what a classifier's time per article through the queue is set against.
 */
export function rawRuntimeAlone(dtype: 'fp32' | 'q8', threads: number, batches: PairBatch[]): RawAlone {
  const script = fileURLToPath(new URL('../../dist/raw-runtime-process.js', import.meta.url));
  const input = {
    modelFile: path.join(MODEL_DIR, onnxFileFor(dtype)),
    threads,
    batches: batches.map((b) => ({
      dims: b.dims,
      inputIds: Array.from(b.inputIds, String),
      attentionMask: Array.from(b.attentionMask, String),
    })),
  };
  const child = spawnSync(process.execPath, [script], {
    input: JSON.stringify(input),
    encoding: 'utf8',
    maxBuffer: 16 * 2 ** 20,
  });
  if (child.status !== 0) throw new Error(`raw-runtime-process.ts failed: ${child.stderr.slice(-500)}`);
  const out = JSON.parse(child.stdout) as { seconds: number[]; peakRssMb: number };
  return { samples: out.seconds, peakRssMb: out.peakRssMb };
}
