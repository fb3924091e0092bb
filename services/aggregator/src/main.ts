import { closeOnSignals, createLogger, loadConfig, runMain } from '@tidings/shared';
import { startAggregator } from './aggregator.js';

runMain('aggregator', async () => {
  const config = loadConfig();
  const logger = createLogger('aggregator', { level: config.logLevel });
  const aggregator = await startAggregator({ config, logger });
  logger.info({ dataDir: config.dataDir }, 'aggregator ready');
  closeOnSignals(() => [aggregator], { logger });
});
