import { runService } from '@tidings/runtime';
import { startLoader } from './loader.js';

runService('loader', async (config, logger) => {
  const loader = await startLoader({ config, logger });
  return { close: loader.close, workers: loader.workers, ready: { feeds: config.feeds.urls.length } };
});
