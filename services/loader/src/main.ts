import { runService } from '@tidings/runtime';
import { startLoader } from './loader.js';

runService('loader', async (config, logger) => {
  const loader = await startLoader({ config, logger });
  return { close: loader.close, ready: { feeds: config.feeds.urls.length } };
});
