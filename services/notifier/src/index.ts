export { type DeliverDeps, type DeliveryOutcome, deliverDigest } from './deliver-digest.js';
export { DeliveryError } from './errors/delivery-error.js';
export { type Notifier, startNotifier } from './notifier.js';
export { escapeHtml, renderEmail } from './render-email.js';
export { countArticles, digestPayload, digestSubject, safeLink, selectTopics } from './select-digest.js';
export { createMailer } from './send-email.js';
export { postJson, signBody } from './send-webhook.js';
export { escapeMrkdwn, slackMessage } from './slack-message.js';
