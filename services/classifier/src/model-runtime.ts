/**
 * The one module that knows which transformers.js package tidings runs on. Swapping
 * @huggingface/transformers for another build means changing this file only.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { PreTrainedModel, PreTrainedTokenizer } from '@huggingface/transformers';
import { ModelLoadError, type ModelSource, missingModelFiles } from '@tidings/model-tools';

/**
 * The library's minified CommonJS build, the same code as its main entry: a classifier loaded
 * under tsx (the tests) has every module rewritten by its
 * hooks, and on the 1.3 MB unminified bundle that costs about 150 MB of memory for good; on the
 * minified one, about 80 MB (docs/performance.md). Services run compiled, on plain node, where
 * the minified build is still the smaller one to parse. Falls back to the main entry if a
 * release stops shipping it.
 */
function loadTransformers(): typeof import('@huggingface/transformers') {
  const require = createRequire(import.meta.url);
  const main = require.resolve('@huggingface/transformers');
  const minified = path.join(path.dirname(main), 'transformers.node.min.cjs');
  return require(fs.existsSync(minified) ? minified : main);
}
const { AutoModelForSequenceClassification, AutoTokenizer, env, pipeline, Tensor } = loadTransformers();

/** Premise/hypothesis pairs tokenised and right-padded into one batch: exactly what one forward pass gets. */
export interface PairBatch {
  /** [pairs, tokens of the longest pair] */
  dims: [number, number];
  inputIds: BigInt64Array;
  attentionMask: BigInt64Array;
}

export interface NliModel {
  source: ModelSource;
  tokenizer: PreTrainedTokenizer;
  /** Largest number of tokens one premise/hypothesis pair may have. */
  maxLength: number;
  entailmentId: number;
  contradictionId: number;
  /** Token count of each pair, special tokens included. */
  pairLengths(premises: string[], hypotheses: string[]): number[];
  /** The pairs tokenised once, padded to the longest. */
  encode(premises: string[], hypotheses: string[]): PairBatch;
  /** One forward pass over an encoded batch; returns logits row by row. */
  run(batch: PairBatch): Promise<Float32Array[]>;
  /** encode, then run. */
  logits(premises: string[], hypotheses: string[]): Promise<Float32Array[]>;
  dispose(): Promise<void>;
}

export interface RuntimeOptions {
  threads: number;
}

/**
 * transformers.js only ever loads from disk: a hub model is fetched into the cache by
 * ensureModel first, so a missing file is an error here, not a download to the hub.
 */
function configureEnv(source: ModelSource): void {
  env.allowRemoteModels = false;
  env.allowLocalModels = true;
  env.cacheDir = source.cacheDir;
  env.localModelPath = source.dir ? path.dirname(source.dir) : source.cacheDir;
}

/**
 * What transformers.js loads a model with, for every loader here. The model is opened by its
 * path and onnxruntime reads the external data file the ONNX file names, beside it. Told
 * about that file (`use_external_data_format`), transformers.js 4.3 also opens it as a
 * FileResponse, whose constructor streams the whole file into memory unasked (no reader, no
 * backpressure): 222 MB of ArrayBuffers in an int8 classifier that is idle after loading,
 * its peak 550 MB against 330 MB without. config.json keeps the flag: it is how
 * ensure-model.ts knows a folder was converted.
 */
function pretrainedOptions(source: ModelSource, options: RuntimeOptions) {
  return {
    dtype: source.dtype,
    use_external_data_format: false,
    session_options: { intraOpNumThreads: options.threads, interOpNumThreads: 1 },
  } as const;
}

function explain(err: unknown): string {
  const message = (err as Error)?.message ?? String(err);
  if (/local_files_only|allowRemoteModels=false|not found locally/i.test(message)) {
    return `a file of the model is missing from its folder (${message.slice(0, 160)})`;
  }
  if (/protobuf|onnx|Load model|parse/i.test(message)) return `the ONNX file cannot be read (${message.slice(0, 160)})`;
  return message.slice(0, 200);
}

function labelIndex(labels: Record<string, number>, names: string[], fallback: number): number {
  const lower = Object.fromEntries(Object.entries(labels).map(([k, v]) => [k.toLowerCase(), v]));
  for (const n of names) if (lower[n] !== undefined) return lower[n];
  return fallback;
}

export async function loadNliModel(source: ModelSource, options: RuntimeOptions): Promise<NliModel> {
  if (source.dir) {
    const missing = missingModelFiles(source.dir, source.dtype);
    if (missing.length > 0) throw new ModelLoadError(source.describe, `the folder lacks ${missing.join(', ')}`);
  }
  configureEnv(source);
  let tokenizer: PreTrainedTokenizer;
  let model: PreTrainedModel;
  try {
    tokenizer = await AutoTokenizer.from_pretrained(source.id);
    model = await AutoModelForSequenceClassification.from_pretrained(source.id, pretrainedOptions(source, options));
  } catch (err) {
    throw new ModelLoadError(source.describe, explain(err), { cause: err });
  }
  const label2id = ((model.config as unknown as { label2id?: Record<string, number> }).label2id ?? {}) as Record<
    string,
    number
  >;
  const maxLength = Number.isFinite(tokenizer.model_max_length) ? tokenizer.model_max_length : 1024;

  // Padded here, as the library pads (pad id, mask 0, on the tokenizer's side), because the
  // library refuses to pad a batch with a pair over maxLength: the caller sees the length first.
  const encode = (premises: string[], hypotheses: string[]): PairBatch => {
    const { input_ids, attention_mask } = tokenizer(premises, {
      text_pair: hypotheses,
      padding: false,
      truncation: false,
      return_tensor: false,
    }) as unknown as { input_ids: number[][]; attention_mask: number[][] };
    const rows = input_ids.length;
    const tokens = Math.max(0, ...input_ids.map((r) => r.length));
    const inputIds = new BigInt64Array(rows * tokens).fill(BigInt(tokenizer.pad_token_id ?? 0));
    const attentionMask = new BigInt64Array(rows * tokens);
    for (const [r, ids] of input_ids.entries()) {
      const at = r * tokens + (tokenizer.padding_side === 'left' ? tokens - ids.length : 0);
      inputIds.set(ids.map(BigInt), at);
      attentionMask.set((attention_mask[r] ?? []).map(BigInt), at);
    }
    return { dims: [rows, tokens], inputIds, attentionMask };
  };
  const run = async (batch: PairBatch): Promise<Float32Array[]> => {
    const { logits } = (await model({
      input_ids: new Tensor('int64', batch.inputIds, batch.dims),
      attention_mask: new Tensor('int64', batch.attentionMask, batch.dims),
    })) as { logits: InstanceType<typeof Tensor> };
    const [rows = 0, cols = 0] = logits.dims;
    const data = logits.data as Float32Array;
    return Array.from({ length: rows }, (_, r) => data.slice(r * cols, (r + 1) * cols));
  };

  return {
    source,
    tokenizer,
    maxLength,
    entailmentId: labelIndex(label2id, ['entailment'], 2),
    contradictionId: labelIndex(label2id, ['contradiction', 'not_entailment'], 0),
    pairLengths(premises, hypotheses) {
      return premises.map((p, i) => tokenizer(p, { text_pair: hypotheses[i] ?? '' }).input_ids.dims.at(-1) ?? 0);
    },
    encode,
    run,
    logits: (premises, hypotheses) => run(encode(premises, hypotheses)),
    dispose: async () => {
      await model.dispose();
    },
  };
}

export interface LibraryZeroShot {
  (
    text: string,
    labels: string[],
    options: { hypothesis_template: string; multi_label: boolean },
  ): Promise<{
    labels: string[];
    scores: number[];
  }>;
  dispose(): Promise<void>;
}

/** The library's own zero-shot pipeline (one pair per forward pass): the reference tidings must match. */
export async function loadLibraryZeroShot(source: ModelSource, options: RuntimeOptions): Promise<LibraryZeroShot> {
  configureEnv(source);
  const classifier = await pipeline('zero-shot-classification', source.id, pretrainedOptions(source, options));
  const call = (async (text: string, labels: string[], opts: { hypothesis_template: string; multi_label: boolean }) =>
    (await classifier(text, labels, opts)) as { labels: string[]; scores: number[] }) as LibraryZeroShot;
  call.dispose = () => classifier.dispose();
  return call;
}
