import {
  ALL_TOPICS_SLUG,
  type Config,
  dashboardBaseUrl,
  type NotifyJob,
  redactSecretUrl,
  topicFeedUrl,
  topicSlug,
} from '@tidings/shared';
import { DeliveryError } from './errors/delivery-error.js';
import { postBody } from './send-webhook.js';

type WebSubDestination = Extract<NotifyJob['destination'], { kind: 'websub' }>;

export interface HubPing {
  hubUrl: string;
  /** The feed's URL exactly as the feed names itself (rel="self"), which is what readers subscribed to. */
  feedUrl: string;
}

/**
 * What a WebSub ping job asks for, checked against the configuration: the job names a hub by
 * its index in WEBSUB_HUB_URLS and a feed by its slug, and only configured ones are pinged.
 */
export function hubPing(destination: WebSubDestination, config: Config): HubPing {
  const hubUrl = config.websub.hubUrls[destination.hub];
  if (!hubUrl) throw new DeliveryError('websub', `no WEBSUB_HUB_URLS entry ${destination.hub}`, false);
  const slugs = [ALL_TOPICS_SLUG, ...config.zeroShot.labels.map(topicSlug)];
  if (!slugs.includes(destination.feed))
    throw new DeliveryError('websub', `no topic feed '${destination.feed}'`, false);
  const feedUrl = topicFeedUrl(
    dashboardBaseUrl(config),
    config.dashboard.token,
    destination.feed,
    destination.extension,
  );
  return { hubUrl, feedUrl };
}

/** The publish ping hubs accept: a form post of `hub.mode=publish&hub.url=<feed URL>`. */
export async function pingHub(ping: HubPing): Promise<void> {
  const body = new URLSearchParams({ 'hub.mode': 'publish', 'hub.url': ping.feedUrl }).toString();
  await postBody(ping.hubUrl, body, { contentType: 'application/x-www-form-urlencoded' });
}

export function shownHub(ping: HubPing): string {
  return `websub ${redactSecretUrl(ping.hubUrl)}`;
}
