import {
  type Config,
  dashboardBaseUrl,
  deliveryId,
  type NotifyJob,
  NotifyJobSchema,
  QUEUE,
  redactUrl,
} from '@tidings/contracts';
import { type Logger, startWorkerService } from '@tidings/runtime';
import { SubscriptionStore } from '@tidings/subscriptions';
import { TopicStore } from '@tidings/topic-store';
import { UnrecoverableError } from 'bullmq';
import type { Transporter } from 'nodemailer';
import { DeliveryError } from './errors/delivery-error.js';
import { subscriberLinks } from './feed-links.js';
import { renderEmail } from './render-email.js';
import { digestPayload, selectTopics } from './select-digest.js';
import { createMailer, sendEmail } from './send-email.js';
import { postJson, signBody } from './send-webhook.js';
import { slackMessage } from './slack-message.js';

export interface NotifierOptions {
  config: Config;
  logger: Logger;
}

export interface DeliveryOutcome {
  status: 'delivered' | 'skipped';
  destination: string;
  articles: number;
  reason?: string;
}

/**
 * The notifier service: a worker on "notify" that sends one run's digest to one destination
 * per job. The job carries ids only; the run and the subscription are read when sending, so
 * an unsubscribe in between is honoured. A failure that asking again cannot fix fails the
 * job at once; others are retried with backoff, under the same delivery id.
 */
export async function startNotifier(options: NotifierOptions) {
  const { config, logger } = options;
  let mailer: Transporter | undefined;
  const service = startWorkerService<NotifyJob, DeliveryOutcome>({
    queue: QUEUE.notify,
    config,
    logger,
    schema: NotifyJobSchema,
    bindings: (job) => ({ runId: job.runId, destination: job.destination.kind }),
    process: async (job, _bullJob, log) => {
      try {
        const outcome = await deliver(job);
        log.info(outcome, outcome.status === 'delivered' ? 'digest delivered' : 'digest skipped');
        return outcome;
      } catch (err) {
        if (err instanceof DeliveryError && !err.retryable) throw new UnrecoverableError(err.message);
        throw err;
      }
    },
    worker: { concurrency: 4 },
  });
  const store = new TopicStore(service.connection, config.prefix, { labelOrder: config.zeroShot.labels });
  const subscriptions = new SubscriptionStore(service.connection, config.prefix, { labels: config.zeroShot.labels });
  const dashboardUrl = dashboardBaseUrl(config);

  async function deliver(job: NotifyJob): Promise<DeliveryOutcome> {
    const run = await store.run(job.runId);
    if (!run) throw new DeliveryError(`run ${job.runId}`, 'the run is not in the topic store (yet)', true);
    const id = deliveryId(job);
    const d = job.destination;
    if (d.kind === 'email' || d.kind === 'webhook') {
      const sub = await subscriptions.get(d.subscriptionId);
      const to = d.kind === 'email' ? sub?.email : sub?.webhookUrl;
      if (!sub || !to) return { status: 'skipped', destination: d.kind, articles: 0, reason: 'unsubscribed' };
      const groups = selectTopics(run, sub.topics);
      const articles = groups.reduce((n, g) => n + g.articles.length, 0);
      if (articles === 0) return { status: 'skipped', destination: d.kind, articles, reason: 'nothing new' };
      if (d.kind === 'email') {
        if (!config.notify.smtpUrl) throw new DeliveryError('email', 'SMTP_URL is not set', false);
        mailer ??= createMailer(config.notify.smtpUrl);
        const links = subscriberLinks(config, sub.feedKey);
        await sendEmail(mailer, config.notify.smtpUrl, {
          ...renderEmail(sub.name, groups, links),
          from: config.notify.emailFrom,
          to,
          unsubscribeUrl: links.unsubscribeUrl,
          deliveryId: id,
        });
        return { status: 'delivered', destination: `email to subscription ${sub.id}`, articles };
      }
      const body = JSON.stringify(digestPayload(run, groups, dashboardUrl));
      await postJson(to, body, {
        headers: {
          'x-tidings-delivery': id,
          'x-tidings-event': 'digest',
          ...(sub.webhookSecret ? { 'x-tidings-signature': signBody(body, sub.webhookSecret) } : {}),
        },
      });
      return { status: 'delivered', destination: `webhook of subscription ${sub.id}`, articles };
    }
    const groups = selectTopics(run, config.notify.topics);
    const articles = groups.reduce((n, g) => n + g.articles.length, 0);
    if (articles === 0) return { status: 'skipped', destination: d.kind, articles, reason: 'nothing new' };
    if (d.kind === 'slack') {
      const url = config.notify.slackWebhookUrl;
      if (!url)
        return { status: 'skipped', destination: 'slack', articles: 0, reason: 'NOTIFY_SLACK_WEBHOOK_URL unset' };
      await postJson(url, JSON.stringify(slackMessage(groups, dashboardUrl)));
      return { status: 'delivered', destination: `slack ${redactUrl(url)}`, articles };
    }
    const url = config.notify.webhookUrls[d.index];
    if (!url)
      return { status: 'skipped', destination: 'webhook', articles: 0, reason: 'no such NOTIFY_WEBHOOK_URLS entry' };
    const body = JSON.stringify(digestPayload(run, groups, dashboardUrl));
    await postJson(url, body, {
      headers: {
        'x-tidings-delivery': id,
        'x-tidings-event': 'digest',
        ...(config.notify.webhookSecret ? { 'x-tidings-signature': signBody(body, config.notify.webhookSecret) } : {}),
      },
    });
    return { status: 'delivered', destination: `webhook ${redactUrl(url)}`, articles };
  }

  return {
    worker: service.worker,
    close: async () => {
      await service.close();
      mailer?.close();
    },
  };
}
export type Notifier = Awaited<ReturnType<typeof startNotifier>>;
