import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '@tidings/shared';

export type ModelDtype = Config['classifier']['dtype'];

export interface ModelSource {
  /** What transformers.js is asked to load (a hub id, or a folder name under `localRoot`). */
  id: string;
  /** A local folder, when MODEL_DIR is set. */
  dir: string | undefined;
  dtype: ModelDtype;
  cacheDir: string;
  /** The name results carry, e.g. "distilbart-mnli-12-1" or "tiny-nli". */
  name: string;
  describe: string;
}

export function onnxFileFor(dtype: ModelDtype): string {
  return dtype === 'q8' ? 'onnx/model_quantized.onnx' : 'onnx/model.onnx';
}

export function modelSource(classifier: Config['classifier']): ModelSource {
  const { modelDir, modelId, dtype, cacheDir } = classifier;
  if (modelDir) {
    return {
      id: path.basename(modelDir),
      dir: modelDir,
      dtype,
      cacheDir,
      name: path.basename(modelDir),
      describe: `MODEL_DIR=${modelDir} (${onnxFileFor(dtype)})`,
    };
  }
  return {
    id: modelId,
    dir: undefined,
    dtype,
    cacheDir,
    name: modelId,
    describe: `MODEL_ID=${modelId} (${dtype}) from ${path.join(cacheDir, modelId)}`,
  };
}

/** The `_data` files config.json announces for an ONNX file, named the way transformers.js names them. */
export function announcedDataFiles(dir: string, onnxFile: string): string[] {
  const config = JSON.parse(fs.readFileSync(path.join(dir, 'config.json'), 'utf8')) as {
    'transformers.js_config'?: { use_external_data_format?: unknown };
  };
  const format = config['transformers.js_config']?.use_external_data_format;
  const base = path.basename(onnxFile);
  const perFile = typeof format === 'object' && format !== null ? (format as Record<string, unknown>) : undefined;
  const chunks = Number(perFile ? (perFile[base] ?? perFile[base.replace(/\.onnx$/, '')] ?? 0) : (format ?? 0));
  return Array.from({ length: chunks }, (_, i) => `${onnxFile}_data${i === 0 ? '' : `_${i}`}`);
}

/**
 * Names the files a model folder lacks, before ONNX Runtime gives a less readable error, or
 * transformers.js none at all: a missing external-data file is an unhandled rejection there.
 */
export function missingModelFiles(dir: string, dtype: ModelDtype): string[] {
  const required = ['config.json', 'tokenizer.json', 'tokenizer_config.json', onnxFileFor(dtype)];
  const missing = required.filter((file) => !fs.existsSync(path.join(dir, file)));
  if (missing.includes('config.json')) return missing;
  const data = announcedDataFiles(dir, onnxFileFor(dtype)).filter((file) => !fs.existsSync(path.join(dir, file)));
  return [...missing, ...data];
}
