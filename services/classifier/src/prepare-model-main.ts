import { ensureModel } from '@tidings/model-tools';
import { createLogger, EXIT_CONFIG, runMain } from '@tidings/runtime';
import { loadConfig } from '@tidings/shared';

/**
 * Gets the model ready in MODEL_CACHE_DIR and exits: downloads what is missing, moves the
 * weights into external data, stores an int8 model's word embedding as int8. Preparing
 * needs more memory than classifying (about 1.6 GB once for distilbart's hub int8 file,
 * against about 400 MB to classify with it), so on Kubernetes it runs as the classifier's
 * init container with a memory limit of its own, and the classifier's limit is sized for
 * classifying. The classifier service does the same at start when nothing did it before.
 */
runMain(
  'classifier-model',
  async () => {
    const config = loadConfig();
    const logger = createLogger('classifier-model', { level: config.logLevel });
    const model = await ensureModel(config.classifier, { logger });
    logger.info(
      {
        dir: model.dir,
        downloaded: model.downloaded.length,
        externalData: model.converted !== undefined,
        embeddingQuantized: model.quantized !== undefined,
      },
      'model ready',
    );
  },
  { exitCodeFor: (err) => err.exitCode ?? EXIT_CONFIG },
);
