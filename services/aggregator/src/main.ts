import { runService } from '@tidings/runtime';
import { startAggregator } from './aggregator.js';

runService('aggregator', async (config, logger) => {
  const aggregator = await startAggregator({ config, logger });
  return { close: aggregator.close, ready: { dataDir: config.dataDir } };
});
