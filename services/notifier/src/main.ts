import { runService } from '@tidings/runtime';
import { startNotifier } from './notifier.js';

runService('notifier', async (config, logger) => {
  if (config.notify.webhookUrls.length > 0 && !config.notify.webhookSecret) {
    logger.warn('NOTIFY_WEBHOOK_URLS is set without NOTIFY_WEBHOOK_SECRET: deliveries to them are not signed');
  }
  const notifier = await startNotifier({ config, logger });
  return { close: notifier.close, workers: [notifier.worker], ready: { email: Boolean(config.notify.smtpUrl) } };
});
