import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensureModel, gatherTableTypes, modelSource, quantizeEmbeddingInFile } from '@tidings/model-tools';
import { createLogger } from '@tidings/runtime';
import { DEFAULT_LABELS, loadConfig } from '@tidings/shared';
import { startHubMirror, TINY_MODEL_DIR } from '@tidings/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { loadNliModel } from '../src/model-runtime.js';
import { classifyText } from '../src/zero-shot.js';

const TEXTS = [
  'Bitcoin and ether rally as crypto markets recover',
  'The SEC opens an enforcement case over securities fraud',
  'Utility raises its quarterly dividend',
  'Exxon cuts drilling as crude prices slide',
  'Senate Republicans vote on the tariff legislation',
  'Berkshire Hathaway shares rally after Buffett letter',
  'A new museum opens downtown with free admission on Sundays',
];
const zeroShot = { labels: DEFAULT_LABELS.split(','), hypothesisTemplate: 'This example is {}.', multiLabel: false };
const QUANTIZED = 'onnx/model_quantized.onnx';
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'tidings-quantize-'));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

/**
 * The tiny model under its own name, its int8 file replaced by the fp32 graph: an int8 model
 * whose word embedding a quantizer of MatMuls only left fp32, as the bench model's was.
 */
function int8ModelWithFloatEmbedding(name: string): string {
  const dir = path.join(work, name);
  fs.cpSync(TINY_MODEL_DIR, dir, { recursive: true });
  fs.copyFileSync(path.join(dir, 'onnx/model.onnx'), path.join(dir, QUANTIZED));
  return dir;
}

type Classified = { label: string; scores: number[] }[];

async function classify(env: Record<string, string>): Promise<Classified> {
  const config = loadConfig({ ...env, CLASSIFIER_THREADS: '1' });
  const model = await loadNliModel(modelSource(config.classifier), { threads: 1 });
  try {
    const out: Classified = [];
    for (const text of TEXTS) {
      const result = await classifyText(model, text, zeroShot);
      out.push({ label: result.label, scores: zeroShot.labels.map((l) => result.scores[l] ?? Number.NaN) });
    }
    return out;
  } finally {
    await model.dispose();
  }
}

function expectSameClassification(after: Classified, before: Classified) {
  expect(after.map((r) => r.label)).toEqual(before.map((r) => r.label));
  for (const [i, row] of after.entries()) {
    for (const [j, score] of row.scores.entries()) {
      expect(Math.abs(score - (before[i]?.scores[j] ?? Number.NaN))).toBeLessThan(1e-4);
    }
  }
}

describe('quantizing the word embedding of an int8 model', () => {
  it('stores the fp32 table as int8 with a scale per row; the model classifies as before', async () => {
    const dir = int8ModelWithFloatEmbedding('tiny-float-embedding');
    const file = path.join(dir, QUANTIZED);
    expect(gatherTableTypes(fs.readFileSync(file))).toEqual({ embedding: 'float' });
    const before = await classify({ MODEL_DIR: dir, MODEL_DTYPE: 'q8' });
    const sizeBefore = fs.statSync(file).size;

    const quantized = quantizeEmbeddingInFile(file);

    expect(quantized).toMatchObject({ table: 'embedding', gathers: 1 });
    expect(quantized?.bytesAfter).toBeLessThan((quantized?.bytesBefore ?? 0) / 2);
    expect(gatherTableTypes(fs.readFileSync(file))).toEqual({ embedding_int8: 'int8', embedding_row_scale: 'float' });
    expect(fs.statSync(file).size).toBeLessThan(sizeBefore);
    expect(fs.readdirSync(path.dirname(file)).filter((f) => f.includes('.converting-'))).toEqual([]);
    // Labels, not just a loadable file: the tiny model answers by topic, one label each.
    expect(new Set(before.map((r) => r.label)).size).toBeGreaterThan(4);
    expectSameClassification(await classify({ MODEL_DIR: dir, MODEL_DTYPE: 'q8' }), before);
  });

  it('is part of the first-run preparation of a hub model: downloaded, quantized, moved to external data, classifying as the fp32 model does', async () => {
    const mirror = await startHubMirror({ 'tidings/tiny-nli-q8': int8ModelWithFloatEmbedding('hub-source') });
    const lines: string[] = [];
    const logger = createLogger('test', { level: 'info', destination: { write: (l: string) => void lines.push(l) } });
    const env = {
      MODEL_ID: 'tidings/tiny-nli-q8',
      MODEL_DTYPE: 'q8',
      HF_ENDPOINT: mirror.endpoint,
      MODEL_CACHE_DIR: path.join(work, 'cache'),
    };
    try {
      const model = await ensureModel(loadConfig(env).classifier, { logger });
      expect(model.quantized).toMatchObject({ table: 'embedding', gathers: 1 });
      expect(model.converted?.tensors).toBeGreaterThan(0);
      expect(lines.join('')).toMatch(/stored the word embedding embedding \(\d+×10\) as int8 with a scale per row/);
      const prepared = fs.readFileSync(path.join(model.dir, QUANTIZED));
      expect(gatherTableTypes(prepared)).toEqual({ embedding_int8: 'int8', embedding_row_scale: 'float' });
      expect(fs.existsSync(path.join(model.dir, `${QUANTIZED}_data`))).toBe(true);
      expectSameClassification(await classify(env), await classify({ MODEL_DIR: TINY_MODEL_DIR, MODEL_DTYPE: 'fp32' }));
      // Prepared once: a second start finds it ready and rewrites nothing.
      const again = await ensureModel(loadConfig(env).classifier, { logger });
      expect(again.quantized).toBeUndefined();
      expect(fs.readFileSync(path.join(model.dir, QUANTIZED)).equals(prepared)).toBe(true);
    } finally {
      await mirror.close();
    }
  });

  it('leaves a model whose embedding is int8 already as it is', () => {
    const dir = path.join(work, 'tiny-int8-already');
    fs.cpSync(TINY_MODEL_DIR, dir, { recursive: true });
    const file = path.join(dir, QUANTIZED);
    const bytes = fs.readFileSync(file);
    expect(quantizeEmbeddingInFile(file)).toBeUndefined();
    expect(fs.readFileSync(file).equals(bytes)).toBe(true);
  });

  it('names the file when it is not an ONNX model, and leaves it untouched', () => {
    const dir = int8ModelWithFloatEmbedding('tiny-broken');
    const file = path.join(dir, QUANTIZED);
    const broken = Buffer.from([0x3a, 0xff, 0xff, 0xff, 0xff, 0x0f]);
    fs.writeFileSync(file, broken);
    expect(() => quantizeEmbeddingInFile(file)).toThrow(
      /cannot quantize the word embedding of .*model_quantized\.onnx: it is not an ONNX model/,
    );
    expect(fs.readFileSync(file).equals(broken)).toBe(true);
  });
});
