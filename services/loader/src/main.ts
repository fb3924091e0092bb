import { closeOnSignals, createLogger, loadConfig, runMain } from '@tidings/shared';
import { startLoader } from './loader.js';

runMain('loader', async () => {
  const config = loadConfig();
  const logger = createLogger('loader', { level: config.logLevel });
  const loader = await startLoader({ config, logger });
  logger.info({ feeds: config.feeds.urls.length }, 'loader ready');
  closeOnSignals(() => [loader], { logger });
});
