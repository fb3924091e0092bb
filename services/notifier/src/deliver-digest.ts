import { type CalibrationStore, ownTopicThreshold } from '@tidings/feedback';
import { type AddressPolicy, privateAddressReason } from '@tidings/runtime';
import {
  type Config,
  dashboardBaseUrl,
  deliveryId,
  type NotifyJob,
  type Run,
  redactSecretUrl,
  signingSecrets,
} from '@tidings/shared';
import { type SubscriptionStore, subscriptionView } from '@tidings/subscriptions';
import type { OwnTopicMatches, TopicStoreReader } from '@tidings/topic-store';
import type { Transporter } from 'nodemailer';
import type { DestinationSlots } from './destination-slots.js';
import { digestReader } from './digest-reader.js';
import { DeliveryError } from './errors/delivery-error.js';
import { hubPing, pingHub, shownHub } from './ping-hub.js';
import { renderEmail } from './render-email.js';
import { countArticles, digestPayload, selectOwnTopics, selectTopics } from './select-digest.js';
import { sendEmail } from './send-email.js';
import { postBody } from './send-webhook.js';
import { webhookHeaders } from './sign-webhook.js';
import { slackMessage } from './slack-message.js';

export interface DeliveryOutcome {
  status: 'delivered' | 'skipped';
  destination: string;
  articles: number;
  reason?: string;
}

/** One webhook delivery: the JSON digest with the Standard Webhooks headers, signed when there is a secret. */
function postDigest(
  url: string,
  payload: ReturnType<typeof digestPayload>,
  deliveryId: string,
  secrets: string[],
  addressPolicy?: AddressPolicy,
): Promise<number> {
  const body = JSON.stringify(payload);
  return postBody(url, body, {
    ...(addressPolicy ? { addressPolicy } : {}),
    headers: webhookHeaders(deliveryId, body, secrets),
  });
}

const isGone = (err: unknown) => err instanceof DeliveryError && err.status === 410;

export interface DeliverDeps {
  config: Config;
  subscriptions: SubscriptionStore;
  /** The run's own-topic record and its articles, for a subscriber's own topics. */
  store: TopicStoreReader;
  ownTopicMatches: OwnTopicMatches;
  /** The SMTP transport; undefined when SMTP_URL is unset. */
  mailer: Transporter | undefined;
  /**
   * Every HTTP delivery holds its destination's slot while it is sent; absent for a one-off
   * sender (`tidings notify test`), which sends one delivery at a time anyway.
   */
  slots?: DestinationSlots;
  /** The calibration in force, for the own-topic thresholds a digest's "why" names; absent: OWN_TOPIC_THRESHOLD. */
  calibrations?: Pick<CalibrationStore, 'current'>;
}

/**
 * Sends one run's digest to one destination: only the topics that destination chose, nothing
 * when none of them is new, and nothing to a subscription removed since the run.
 */
export async function deliverNotification(run: Run, job: NotifyJob, deps: DeliverDeps): Promise<DeliveryOutcome> {
  const { config, subscriptions, mailer, slots } = deps;
  const dashboardUrl = dashboardBaseUrl(config);
  const id = deliveryId(job);
  const hold = <T>(url: string, send: () => Promise<T>) => (slots ? slots.hold(url, id, send) : send());
  const d = job.destination;
  if (d.kind === 'websub') {
    const ping = hubPing(d, config);
    await hold(ping.hubUrl, () => pingHub(ping));
    return { status: 'delivered', destination: shownHub(ping), articles: 0 };
  }
  if (d.kind === 'email' || d.kind === 'webhook') {
    const sub = await subscriptions.get(d.subscriptionId);
    const to = d.kind === 'email' ? sub?.email : sub?.webhookUrl;
    if (!sub || !to) return { status: 'skipped', destination: d.kind, articles: 0, reason: 'unsubscribed' };
    if (d.kind === 'webhook' && sub.webhookDisabled) {
      return { status: 'skipped', destination: d.kind, articles: 0, reason: sub.webhookDisabled.reason };
    }
    const groups = selectTopics(run, sub.topics);
    const ownGroups = await selectOwnTopics(await deps.ownTopicMatches.run(run.id), sub, (ids) =>
      deps.store.articlesById(ids),
    );
    const articles = countArticles([...groups, ...ownGroups]);
    if (articles === 0) return { status: 'skipped', destination: d.kind, articles, reason: 'nothing new' };
    const calibration = (await deps.calibrations?.current()) ?? null;
    const reader = digestReader(dashboardUrl, sub, (topicId) =>
      ownTopicThreshold(calibration, topicId, sub.id, config.ownTopics.threshold),
    );
    if (d.kind === 'email') {
      if (!mailer || !config.notify.smtpUrl) throw new DeliveryError('email', 'SMTP_URL is not set', false);
      const view = subscriptionView(sub, dashboardUrl);
      const links = { dashboardUrl, feedUrl: view.feedUrl, unsubscribeUrl: view.unsubscribeUrl };
      await sendEmail(mailer, config.notify.smtpUrl, {
        ...renderEmail(sub.name, groups, links, ownGroups, reader),
        from: config.notify.emailFrom,
        to,
        unsubscribeUrl: links.unsubscribeUrl,
        deliveryId: id,
      });
      return { status: 'delivered', destination: `email to subscription ${sub.id}`, articles };
    }
    // A subscriber's URL is someone else's choice: it may not reach this host or its network.
    const policy = config.feeds.allowPrivate ? undefined : privateAddressReason;
    const secrets = signingSecrets(sub);
    try {
      const payload = digestPayload(run, groups, dashboardUrl, ownGroups, reader);
      await hold(to, () => postDigest(to, payload, id, secrets, policy));
    } catch (err) {
      // 410 Gone is the receiver saying "stop": that webhook gets nothing more until its URL changes.
      if (isGone(err)) await subscriptions.disableWebhook(sub.id, to, 'the webhook answered 410 Gone');
      throw err;
    }
    return { status: 'delivered', destination: `webhook of subscription ${sub.id}`, articles };
  }
  const groups = selectTopics(run, config.notify.topics);
  const articles = countArticles(groups);
  if (articles === 0) return { status: 'skipped', destination: d.kind, articles, reason: 'nothing new' };
  if (d.kind === 'slack') {
    const url = config.notify.slackWebhookUrl;
    if (!url) return { status: 'skipped', destination: 'slack', articles: 0, reason: 'NOTIFY_SLACK_WEBHOOK_URL unset' };
    await hold(url, () => postBody(url, JSON.stringify(slackMessage(groups, dashboardUrl))));
    return { status: 'delivered', destination: `slack ${redactSecretUrl(url)}`, articles };
  }
  const url = config.notify.webhookUrls[d.index];
  if (!url)
    return { status: 'skipped', destination: 'webhook', articles: 0, reason: 'no such NOTIFY_WEBHOOK_URLS entry' };
  const payload = digestPayload(run, groups, dashboardUrl);
  await hold(url, () => postDigest(url, payload, id, config.notify.webhookSecrets));
  return { status: 'delivered', destination: `webhook ${redactSecretUrl(url)}`, articles };
}
