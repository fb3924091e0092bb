import { groupedKey, type KeySpaceSource } from '@tidings/shared';

/**
 * The subscription store's keys; only this package reads or writes them. One group on a
 * cluster, shared with the own-topic registry (redisKeys): a subscription, the set of ids,
 * the feed-key index and the registry change in one script.
 */
export function subscriptionKeys(space: KeySpaceSource) {
  const key = (name: string) => groupedKey(space, 'subscriptions', name);
  return {
    subscription: (id: string) => key(`subscription:${id}`),
    all: key('subscriptions'),
    byFeedKey: (feedKey: string) => key(`subscription-key:${feedKey}`),
  };
}
