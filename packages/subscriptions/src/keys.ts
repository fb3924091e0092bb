/** The subscription store's keys; only this package reads or writes them. */
export function subscriptionKeys(prefix: string) {
  return {
    subscription: (id: string) => `${prefix}:subscription:${id}`,
    all: `${prefix}:subscriptions`,
    byFeedKey: (feedKey: string) => `${prefix}:subscription-key:${feedKey}`,
  };
}
