export * from './calendar-day.js';
export * from './classifier-version.js';
export * from './config.js';
export * from './config-docs.js';
export {
  CONFIG_GROUPS,
  CONFIG_VARS,
  type ConfigGroup,
  type ConfigVarName,
  DEFAULT_FEED,
  DEFAULT_LABELS,
  type VarSpec,
} from './config-vars.js';
export * from './due-times.js';
export * from './errors/bad-job-error.js';
export * from './errors/config-error.js';
export * from './errors/reclassify-request-error.js';
export * from './errors/tidings-error.js';
export * from './errors/unsafe-file-error.js';
export * from './errors-doc.js';
export * from './feed-formats.js';
export * from './feed-urls.js';
export * from './feedback.js';
export * from './feedback-links.js';
export * from './generated-doc.js';
export * from './ids.js';
export * from './job-signature.js';
export * from './keys.js';
export * from './lua-command.js';
export * from './mask-url.js';
export * from './match-reason.js';
export * from './output-text.js';
export * from './own-topic-preview.js';
export * from './own-topics.js';
export * from './queues.js';
export * from './reclassify-flow.js';
export * from './reclassify-report.js';
export * from './redis-config.js';
export * from './run-flow.js';
export * from './schemas.js';
export * from './services.js';
export * from './status.js';
export * from './story-outlet.js';
export * from './subscriptions.js';
export * from './topic-slug.js';
export * from './webhook-secret.js';
