import { feedExtension, personalFeedUrl, type Subscription } from '@tidings/shared';

/**
 * A subscription as the API, the page and the CLI show it: its personal feed URLs (absolute,
 * from the dashboard's public address), never its webhook secrets: a new one is shown once.
 */
export function subscriptionView(sub: Subscription, baseUrl: string) {
  const { webhookSecret: _secret, previousWebhookSecret: _previous, feedKey, ...rest } = sub;
  return {
    ...rest,
    feedUrl: personalFeedUrl(baseUrl, feedKey, feedExtension('atom')),
    jsonFeedUrl: personalFeedUrl(baseUrl, feedKey, feedExtension('json')),
    unsubscribeUrl: new URL(`unsubscribe/${feedKey}`, baseUrl).toString(),
    /** The subscriber's page: their topics and their own topics' matches. */
    pageUrl: new URL(`s/${feedKey}`, baseUrl).toString(),
  };
}
export type SubscriptionView = ReturnType<typeof subscriptionView>;
