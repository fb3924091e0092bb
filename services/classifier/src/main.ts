import { closeOnSignals, createLogger, loadConfig, runMain } from '@tidings/shared';
import { startClassifier } from './classifier.js';

runMain('classifier', async () => {
  const config = loadConfig();
  const logger = createLogger('classifier', { level: config.logLevel });
  const classifier = await startClassifier({ config, logger });
  logger.info({ worker: classifier.heartbeat.id, concurrency: config.classifier.concurrency }, 'classifier ready');
  closeOnSignals(() => [classifier], { logger });
});
