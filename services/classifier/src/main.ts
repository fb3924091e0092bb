import { runService } from '@tidings/runtime';
import { startClassifier } from './classifier.js';

runService('classifier', async (config, logger) => {
  const classifier = await startClassifier({ config, logger });
  return {
    close: classifier.close,
    workers: [classifier.worker],
    ready: { worker: classifier.heartbeat.id, concurrency: config.classifier.concurrency },
  };
});
