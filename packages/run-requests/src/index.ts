export * from './errors/preview-unanswered-error.js';
export * from './queue-backfills.js';
export * from './reclassify-slot.js';
export * from './request-own-topic-preview.js';
export * from './request-reclassify.js';
export * from './request-run.js';
export * from './run-progress.js';
