export { NoTopicsError } from './errors/no-topics-error.js';
export { OwnTopicCeilingError } from './errors/own-topic-ceiling-error.js';
export { OwnTopicError } from './errors/own-topic-error.js';
export { SubscriptionsBusyError } from './errors/subscriptions-busy-error.js';
export { UnknownTopicError } from './errors/unknown-topic-error.js';
export { checkOwnTopics, DEFAULT_OWN_TOPIC_LIMITS, type OwnTopicLimits } from './own-topic-rules.js';
export { SubscriptionStore, type SubscriptionStoreOptions } from './subscription-store.js';
export { type SubscriptionView, subscriptionView } from './subscription-view.js';
