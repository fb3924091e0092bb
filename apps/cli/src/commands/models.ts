import { ensureModel } from '@tidings/model-tools';
import { createLogger } from '@tidings/runtime';
import { loadConfig } from '@tidings/shared';
import { downloadProgress } from '../download-progress.js';

/**
 * `tidings models fetch`: gets MODEL_ID from HF_ENDPOINT into MODEL_CACHE_DIR with progress,
 * converts it to external data, then loads it once and classifies a sentence, so what it
 * leaves is a folder a classifier with ALLOW_REMOTE_MODELS=false can use.
 */
export async function modelsCommand(): Promise<number> {
  const config = loadConfig();
  const logger = createLogger('tidings', { level: config.logLevel });
  // The classifier package loads transformers.js and ONNX Runtime: only commands that need it pay for that.
  const { prepareModel } = await import('@tidings/classifier');
  const progress = downloadProgress();
  const model = await ensureModel(config.classifier, { logger, onProgress: progress.update }).finally(progress.done);
  const bytes = model.downloaded.reduce((n, f) => n + f.bytes, 0);
  process.stdout.write(
    model.downloaded.length > 0
      ? `downloaded ${model.downloaded.length} file(s), ${bytes} bytes, of ${config.classifier.modelId} from ${config.classifier.hubEndpoint} to ${model.dir}\n`
      : `${config.classifier.modelId} is already in ${model.dir}\n`,
  );
  if (model.converted) {
    process.stdout.write(
      `moved ${model.converted.tensors} weight tensors (${model.converted.dataBytes} bytes) into external data: ONNX Runtime maps them instead of copying them\n`,
    );
  }
  const loaded = await prepareModel(config, logger);
  await loaded.dispose();
  process.stdout.write(
    `verified: ${model.dir} loads and classifies; on a machine without internet copy MODEL_CACHE_DIR (${config.classifier.cacheDir}) and set ALLOW_REMOTE_MODELS=false\n`,
  );
  return 0;
}
