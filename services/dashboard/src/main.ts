import { closeOnSignals, createLogger, loadConfig, runMain } from '@tidings/shared';
import { startDashboard } from './server.js';

runMain('dashboard', async () => {
  const config = loadConfig();
  const logger = createLogger('dashboard', { level: config.logLevel });
  const dashboard = await startDashboard({ config, logger });
  logger.info({ url: dashboard.address }, 'dashboard ready');
  closeOnSignals(() => [dashboard], { logger });
});
