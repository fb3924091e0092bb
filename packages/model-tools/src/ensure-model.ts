import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from '@tidings/runtime';
import type { Config } from '@tidings/shared';
import { ModelConvertError } from './errors/model-convert-error.js';
import { ModelDownloadError } from './errors/model-download-error.js';
import { ModelLoadError } from './errors/model-load-error.js';
import { ModelQuantizeError } from './errors/model-quantize-error.js';
import { convertToExternalData, type ExternalDataResult, usesExternalData } from './external-data.js';
import { type DownloadProgress, downloadFile, hubFileUrl } from './hub-download.js';
import { withFileLock } from './model-lock.js';
import { missingModelFiles, onnxFileFor } from './model-source.js';
import { type EmbeddingQuantized, quantizeEmbeddingInFile } from './quantize-embedding.js';

export interface EnsureModelOptions {
  logger: Logger;
  /** Every chunk of every file; without it, progress is logged at each tenth of a file. */
  onProgress?: (p: DownloadProgress) => void;
}

export interface ModelOnDisk {
  /** The model folder: MODEL_DIR, or MODEL_CACHE_DIR/<MODEL_ID>. */
  dir: string;
  /** Files this call downloaded, with their sizes. */
  downloaded: { file: string; bytes: number }[];
  /** Set when this call moved the weights into external data. */
  converted: ExternalDataResult | undefined;
  /** Set when this call stored an int8 model's fp32 word embedding as int8. */
  quantized: EmbeddingQuantized | undefined;
}

/** Complete, and its weights in external data: nothing left to do. */
function ready(dir: string, dtype: Config['classifier']['dtype']): boolean {
  return missingModelFiles(dir, dtype).length === 0 && usesExternalData(dir);
}

function tenthsLogger(logger: Logger): (p: DownloadProgress) => void {
  const shown = new Map<string, number>();
  return (p) => {
    if (p.total === undefined || p.total === 0) return;
    const tenth = Math.floor((p.received / p.total) * 10);
    if ((shown.get(p.file) ?? -1) >= tenth) return;
    shown.set(p.file, tenth);
    logger.info({ file: p.file, bytes: p.received, total: p.total }, `downloading ${p.file}: ${tenth * 10}%`);
  };
}

/**
 * Makes sure MODEL_ID is in MODEL_CACHE_DIR, ready to load with nothing remote: downloads
 * what is missing from HF_ENDPOINT, then moves a single-file model's weights into external
 * data once. One process at a time does this per model (a lock file in the cache), so
 * classifiers started together download once; the others wait and then find it there.
 * With MODEL_DIR set there is nothing to get.
 */
export async function ensureModel(classifier: Config['classifier'], options: EnsureModelOptions): Promise<ModelOnDisk> {
  const { logger } = options;
  if (classifier.modelDir)
    return { dir: classifier.modelDir, downloaded: [], converted: undefined, quantized: undefined };
  // The folder transformers.js loads MODEL_ID from as a local model (model-runtime.ts configureEnv).
  const dir = path.join(classifier.cacheDir, classifier.modelId);
  const result: ModelOnDisk = { dir, downloaded: [], converted: undefined, quantized: undefined };
  if (ready(dir, classifier.dtype)) return result;
  const tried = `to get MODEL_ID=${classifier.modelId} (${classifier.dtype}) from ${classifier.hubEndpoint} into ${dir}`;
  const missing = missingModelFiles(dir, classifier.dtype);
  if (missing.length > 0 && !classifier.allowRemoteModels) {
    throw new ModelLoadError(
      `MODEL_ID=${classifier.modelId} (${classifier.dtype}) in ${dir}`,
      `it lacks ${missing.join(', ')} and ALLOW_REMOTE_MODELS=false forbids downloading it`,
    );
  }
  const locked = withFileLock(
    `${dir}.lock`,
    async () => {
      // Whoever held the lock before may have done it all.
      if (ready(dir, classifier.dtype)) return;
      removeLeftovers(dir);
      const progress = options.onProgress ?? tenthsLogger(logger);
      try {
        for (
          let file = missingModelFiles(dir, classifier.dtype)[0];
          file;
          file = missingModelFiles(dir, classifier.dtype)[0]
        ) {
          const url = hubFileUrl(classifier.hubEndpoint, classifier.modelId, file);
          const bytes = await downloadFile(url, path.join(dir, file), file, progress);
          result.downloaded.push({ file, bytes });
          logger.info({ file, bytes, from: url }, `downloaded ${file}`);
        }
      } catch (err) {
        if (err instanceof ModelDownloadError) throw new ModelLoadError(tried, err.message, { cause: err });
        throw err;
      }
      if (usesExternalData(dir)) return;
      const onnxFile = onnxFileFor(classifier.dtype);
      if (classifier.dtype === 'q8') result.quantized = quantizeEmbedding(path.join(dir, onnxFile), logger);
      try {
        result.converted = convertToExternalData(dir, onnxFile);
      } catch (err) {
        // The single file still loads, only with twice the weights in memory while it does.
        if (!(err instanceof ModelConvertError)) throw err;
        logger.warn({ err: err.message }, 'the model stays one ONNX file');
        return;
      }
      logger.info(
        { file: onnxFile, ...result.converted },
        `moved the weights of ${onnxFile} (${result.converted.tensors} tensors, ${result.converted.dataBytes} bytes) into ${onnxFile}_data, so ONNX Runtime maps them instead of copying them`,
      );
    },
    {
      onWait: (owner) => logger.info({ lock: `${dir}.lock` }, `waiting for ${owner}, which is getting the model`),
      onStale: (owner) => logger.warn({ lock: `${dir}.lock` }, `taking over the lock of ${owner}, which is gone`),
    },
  );
  try {
    await locked;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === undefined || !['EACCES', 'EPERM', 'EROFS'].includes(code)) throw err;
    // A complete model in a read-only cache (a copied volume) still loads, as one file.
    if (missing.length === 0) {
      logger.warn({ dir, code }, 'the model cache is read-only: the model stays one ONNX file');
      return result;
    }
    throw new ModelLoadError(tried, `the cache folder cannot be written (${code})`, { cause: err });
  }
  return result;
}

/**
 * An int8 model whose word embedding is still fp32 (a quantizer of MatMuls only leaves
 * Gather alone) gets it as int8, before the weights move into external data: a classifier's
 * peak drops by about three quarters of the table (150 MB for distilbart).
 */
function quantizeEmbedding(file: string, logger: Logger): EmbeddingQuantized | undefined {
  try {
    const quantized = quantizeEmbeddingInFile(file);
    if (quantized) {
      logger.info(
        { file: path.basename(file), ...quantized },
        `stored the word embedding ${quantized.table} (${quantized.rows}×${quantized.columns}) as int8 with a scale per row: ${quantized.bytesBefore} bytes became ${quantized.bytesAfter}`,
      );
    }
    return quantized;
  } catch (err) {
    // The fp32 table still works, only with more memory.
    if (!(err instanceof ModelQuantizeError)) throw err;
    logger.warn({ err: err.message }, 'the word embedding stays fp32');
    return undefined;
  }
}

/** Files a killed download or conversion left under their temporary names; only the lock holder runs this. */
function removeLeftovers(dir: string): void {
  for (const sub of [dir, path.join(dir, 'onnx')]) {
    if (!fs.existsSync(sub)) continue;
    for (const name of fs.readdirSync(sub)) {
      if (/\.(part|converting)-\d+$/.test(name)) fs.rmSync(path.join(sub, name), { force: true });
    }
  }
}
