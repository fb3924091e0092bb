import { runService } from '@tidings/runtime';
import { startNotifier } from './notifier.js';

runService('notifier', async (config, logger) => {
  if (config.notify.webhookUrls.length > 0 && config.notify.webhookSecrets.length === 0) {
    logger.warn('NOTIFY_WEBHOOK_URLS is set without NOTIFY_WEBHOOK_SECRET: deliveries to them are not signed');
  }
  if (config.websub.hubUrls.length > 0 && !config.dashboard.publicUrl) {
    logger.warn('WEBSUB_HUB_URLS is set without DASHBOARD_PUBLIC_URL: hubs are told of feeds at the local address');
  }
  const notifier = await startNotifier({ config, logger });
  return { close: notifier.close, workers: [notifier.worker], ready: { email: Boolean(config.notify.smtpUrl) } };
});
