import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '@tidings/contracts';

export type ModelDtype = Config['classifier']['dtype'];

export interface ModelSource {
  /** What transformers.js is asked to load (a hub id, or a folder name under `localRoot`). */
  id: string;
  /** A local folder, when MODEL_DIR is set. */
  dir: string | undefined;
  dtype: ModelDtype;
  cacheDir: string;
  allowRemote: boolean;
  /** The name results carry, e.g. "distilbart-mnli-12-1" or "tiny-nli". */
  name: string;
  describe: string;
}

export function onnxFileFor(dtype: ModelDtype): string {
  return dtype === 'q8' ? 'onnx/model_quantized.onnx' : 'onnx/model.onnx';
}

export function modelSource(classifier: Config['classifier']): ModelSource {
  const { modelDir, modelId, dtype, cacheDir, allowRemoteModels } = classifier;
  if (modelDir) {
    return {
      id: path.basename(modelDir),
      dir: modelDir,
      dtype,
      cacheDir,
      allowRemote: false,
      name: path.basename(modelDir),
      describe: `MODEL_DIR=${modelDir} (${onnxFileFor(dtype)})`,
    };
  }
  return {
    id: modelId,
    dir: undefined,
    dtype,
    cacheDir,
    allowRemote: allowRemoteModels,
    name: modelId,
    describe: `MODEL_ID=${modelId} (${dtype}) from the cache ${cacheDir}${allowRemoteModels ? ' and the Hugging Face hub' : ' (ALLOW_REMOTE_MODELS=false)'}`,
  };
}

/** Names the files a model folder lacks, before ONNX Runtime gives a less readable error. */
export function missingModelFiles(dir: string, dtype: ModelDtype): string[] {
  const required = ['config.json', 'tokenizer.json', 'tokenizer_config.json', onnxFileFor(dtype)];
  return required.filter((file) => !fs.existsSync(path.join(dir, file)));
}
