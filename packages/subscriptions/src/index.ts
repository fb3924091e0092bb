export { UnknownTopicError } from './errors/unknown-topic-error.js';
export { SubscriptionStore, type SubscriptionStoreOptions } from './subscription-store.js';
export { type SubscriptionView, subscriptionView } from './subscription-view.js';
