import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { convertToExternalData, modelSource, usesExternalData } from '@tidings/model-tools';
import { DEFAULT_LABELS, loadConfig } from '@tidings/shared';
import { TINY_MODEL_DIR } from '@tidings/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { loadNliModel, type NliModel } from '../src/model-runtime.js';
import { classifyText } from '../src/zero-shot.js';

const TEXTS = [
  'Bitcoin and ether rally as crypto markets recover',
  'The SEC opens an enforcement case over securities fraud',
  'Utility raises its quarterly dividend',
  'Exxon cuts drilling as crude prices slide',
  'A new museum opens downtown with free admission on Sundays',
];
const zeroShot = { labels: DEFAULT_LABELS.split(','), hypothesisTemplate: 'This example is {}.', multiLabel: false };
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'tidings-external-'));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

/** A copy of the tiny model under its own name, so transformers.js treats it as a model of its own. */
function copyModel(name: string): string {
  const dir = path.join(work, name);
  fs.cpSync(TINY_MODEL_DIR, dir, { recursive: true });
  return dir;
}

async function scores(dir: string, dtype: 'fp32' | 'q8'): Promise<number[][]> {
  const config = loadConfig({ MODEL_DIR: dir, MODEL_DTYPE: dtype, CLASSIFIER_THREADS: '1' });
  const model: NliModel = await loadNliModel(modelSource(config.classifier), { threads: 1 });
  try {
    const out: number[][] = [];
    for (const text of TEXTS) {
      const result = await classifyText(model, text, zeroShot);
      out.push(zeroShot.labels.map((label) => result.scores[label] ?? Number.NaN));
    }
    return out;
  } finally {
    await model.dispose();
  }
}

describe('convertToExternalData', () => {
  it.each([
    ['fp32', 'onnx/model.onnx'],
    ['q8', 'onnx/model_quantized.onnx'],
  ] as const)('moves the %s weights out of %s; the model loads and classifies the same', async (dtype, onnxFile) => {
    const original = copyModel(`tiny-single-${dtype}`);
    const converted = copyModel(`tiny-external-${dtype}`);
    // The tiny model must start as one file, or this would test nothing.
    expect(fs.existsSync(path.join(converted, `${onnxFile}_data`))).toBe(false);
    expect(usesExternalData(converted)).toBe(false);

    const result = convertToExternalData(converted, onnxFile);

    const data = path.join(converted, `${onnxFile}_data`);
    expect(result.tensors).toBeGreaterThan(0);
    expect(fs.statSync(data).size).toBe(result.dataBytes);
    expect(fs.statSync(path.join(converted, onnxFile)).size).toBe(result.onnxBytesAfter);
    expect(result.onnxBytesAfter).toBeLessThan(result.onnxBytesBefore);
    expect(usesExternalData(converted)).toBe(true);
    expect(fs.readdirSync(path.dirname(data)).filter((f) => f.includes('.converting-'))).toEqual([]);

    const before = await scores(original, dtype);
    const after = await scores(converted, dtype);
    for (const [i, row] of after.entries()) {
      for (const [j, score] of row.entries())
        expect(Math.abs(score - (before[i]?.[j] ?? Number.NaN))).toBeLessThan(1e-6);
    }

    // The weights really come from the data file: zeroed, the same model answers differently.
    fs.writeFileSync(data, Buffer.alloc(result.dataBytes));
    expect(await scores(converted, dtype)).not.toEqual(after);
  });

  it('loads a model without reading its data file into memory: only onnxruntime holds the weights', async () => {
    const dir = copyModel('tiny-large-data');
    const data = path.join(dir, 'onnx/model_quantized.onnx_data');
    convertToExternalData(dir, 'onnx/model_quantized.onnx');
    const before = await scores(dir, 'q8');
    // Bytes past the last tensor are never read by onnxruntime; a copy of the file in memory would hold them.
    const padding = 128 * 1024 * 1024;
    fs.truncateSync(data, fs.statSync(data).size + padding);

    const start = process.memoryUsage().arrayBuffers;
    let peak = 0;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().arrayBuffers - start);
    }, 10);
    try {
      const config = loadConfig({ MODEL_DIR: dir, MODEL_DTYPE: 'q8', CLASSIFIER_THREADS: '1' });
      const model = await loadNliModel(modelSource(config.classifier), { threads: 1 });
      await new Promise((resolve) => setTimeout(resolve, 1500));
      await model.dispose();
    } finally {
      clearInterval(sampler);
    }
    expect(peak).toBeLessThan(padding / 4);
    expect(await scores(dir, 'q8')).toEqual(before);
  });

  it('moves nothing twice: converting a converted model leaves it as it is', async () => {
    const dir = copyModel('tiny-twice');
    convertToExternalData(dir, 'onnx/model.onnx');
    const onnx = fs.readFileSync(path.join(dir, 'onnx/model.onnx'));
    const data = fs.readFileSync(path.join(dir, 'onnx/model.onnx_data'));
    expect(convertToExternalData(dir, 'onnx/model.onnx').tensors).toBe(0);
    expect(fs.readFileSync(path.join(dir, 'onnx/model.onnx')).equals(onnx)).toBe(true);
    expect(fs.readFileSync(path.join(dir, 'onnx/model.onnx_data')).equals(data)).toBe(true);
  });

  it('names the data file a converted folder lacks, instead of the library never answering', async () => {
    const dir = copyModel('tiny-no-data');
    convertToExternalData(dir, 'onnx/model.onnx');
    fs.rmSync(path.join(dir, 'onnx/model.onnx_data'));
    await expect(scores(dir, 'fp32')).rejects.toThrow(/the folder lacks onnx\/model\.onnx_data/);
  });

  it('names the file when it is not an ONNX model', () => {
    const dir = copyModel('tiny-broken');
    fs.writeFileSync(path.join(dir, 'onnx/model.onnx'), Buffer.from([0x3a, 0xff, 0xff, 0xff, 0xff, 0x0f]));
    expect(() => convertToExternalData(dir, 'onnx/model.onnx')).toThrow(
      /model\.onnx into external data: it is not an ONNX model/,
    );
    expect(fs.existsSync(path.join(dir, 'onnx/model.onnx_data'))).toBe(false);
  });
});
