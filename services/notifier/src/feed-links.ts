import { type Config, dashboardBaseUrl } from '@tidings/contracts';

/** The links a subscriber's digest carries: the dashboard, their own feed, their unsubscribe link. */
export function subscriberLinks(config: Pick<Config, 'dashboard'>, feedKey: string) {
  const base = dashboardBaseUrl(config);
  return {
    dashboardUrl: base,
    feedUrl: new URL(`feeds/s/${feedKey}.xml`, base).toString(),
    unsubscribeUrl: new URL(`unsubscribe/${feedKey}`, base).toString(),
  };
}
