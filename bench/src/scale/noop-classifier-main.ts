/**
 * The real classifier service with a no-op model: same queue, job validation, article read
 * from the run's hash, heartbeats and results as `@tidings/classifier/main`, minus the
 * inference, so the scale bench measures what tidings costs around the model.
 */
import { startClassifier } from '@tidings/classifier';
import { runService } from '@tidings/runtime';
import { noopNliModel } from './noop-model.js';

runService('classifier', async (config, logger) => {
  const classifier = await startClassifier({ config, logger, model: noopNliModel() });
  return {
    close: classifier.close,
    ready: { worker: classifier.heartbeat.id, concurrency: config.classifier.concurrency, model: 'no-op' },
  };
});
