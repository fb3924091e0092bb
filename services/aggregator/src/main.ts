import { runService } from '@tidings/runtime';
import { startAggregator } from './aggregator.js';

runService('aggregator', async (config, logger) => {
  const aggregator = await startAggregator({ config, logger });
  return { close: aggregator.close, workers: [aggregator.worker], ready: { dataDir: config.dataDir } };
});
