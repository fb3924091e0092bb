import { runService } from '@tidings/runtime';
import { startDashboard } from './fastify/server.js';

runService('dashboard', async (config, logger) => {
  const dashboard = await startDashboard({ config, logger });
  return { close: dashboard.close, ready: { url: dashboard.address } };
});
