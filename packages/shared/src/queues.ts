import type { JobsOptions } from 'bullmq';

/**
 * Queue names in code, and the names Redis knows them by. Some say less than their key: the
 * run-request queue is "feeds" and its job "load-feeds" (they start runs, not read feeds), kept
 * because a queue's or scheduler's name is in every key and job of a running stack, so
 * renaming one needs a migration (docs/architecture.md, "Names kept for compatibility").
 */
export const QUEUE = {
  runRequests: 'feeds',
  readFeed: 'read-feed',
  classify: 'classify',
  aggregate: 'aggregate',
  notify: 'notify',
  backfill: 'backfill',
  preview: 'preview',
  reclassify: 'reclassify',
} as const;
export type QueueName = (typeof QUEUE)[keyof typeof QUEUE];
export const QUEUE_NAMES: QueueName[] = Object.values(QUEUE);

export const JOB = {
  startRun: 'load-feeds',
  readFeed: 'read-feed',
  classify: 'classify',
  aggregateRun: 'aggregate-run',
  deliver: 'deliver-digest',
  backfill: 'backfill-own-topic',
  preview: 'preview-own-topic',
  selectStored: 'select-stored',
} as const;

/**
 * BullMQ takes every job without a priority before any job with one: a reclassify run's
 * classify jobs carry this, so a scheduled or requested run's articles always go first.
 */
export const RECLASSIFY_PRIORITY = 100;

/**
 * Most classify jobs of a reclassify run waiting at once: a month of history goes through
 * in steps, never as one flood a scheduled run's articles must pass. It stays well below
 * the completed classify jobs BullMQ keeps (DEFAULT_JOB_OPTIONS.classify), so a resumed step
 * re-adds only ids BullMQ still knows and nothing is classified twice.
 */
export const RECLASSIFY_WINDOW = 1_000;

export const DAILY_SCHEDULER_ID = 'daily-digest';

const DAY_S = 24 * 3600;

/** Completed and failed jobs are kept long enough to inspect in Bull Board, then trimmed. */
export const DEFAULT_JOB_OPTIONS: Record<QueueName, JobsOptions> = {
  [QUEUE.runRequests]: {
    attempts: 3,
    backoff: { type: 'exponential', delay: 10_000 },
    removeOnComplete: { age: 7 * DAY_S, count: 500 },
    removeOnFail: { age: 30 * DAY_S, count: 500 },
  },
  'read-feed': {
    attempts: 3,
    backoff: { type: 'exponential', delay: 5_000 },
    removeOnComplete: { age: DAY_S, count: 10_000 },
    removeOnFail: { age: 7 * DAY_S, count: 10_000 },
  },
  classify: {
    attempts: 3,
    backoff: { type: 'exponential', delay: 2_000 },
    removeOnComplete: { age: DAY_S, count: 5_000 },
    removeOnFail: { age: 7 * DAY_S, count: 5_000 },
  },
  aggregate: {
    attempts: 5,
    backoff: { type: 'exponential', delay: 5_000 },
    removeOnComplete: { age: 30 * DAY_S, count: 1_000 },
    removeOnFail: { age: 30 * DAY_S, count: 1_000 },
  },
  // A delivery's job id is its delivery id: kept a week after it completes, so an aggregator
  // retrying a run's notifications adds nothing that was already sent.
  // Attempts and backoff come from NOTIFY_ATTEMPTS and NOTIFY_RETRY_DELAY_MS (notifyJobOptions).
  notify: {
    removeOnComplete: { age: 7 * DAY_S, count: 10_000 },
    removeOnFail: { age: 30 * DAY_S, count: 10_000 },
  },
  // One job per new own topic, classified by the classifiers between articles of runs.
  backfill: {
    attempts: 3,
    backoff: { type: 'exponential', delay: 10_000 },
    removeOnComplete: { age: 7 * DAY_S, count: 1_000 },
    removeOnFail: { age: 30 * DAY_S, count: 1_000 },
  },
  // The one job of a reclassify run that puts its stored articles through "classify".
  reclassify: {
    attempts: 5,
    backoff: { type: 'exponential', delay: 5_000 },
    removeOnComplete: { age: 30 * DAY_S, count: 1_000 },
    removeOnFail: { age: 30 * DAY_S, count: 1_000 },
  },
  // A preview of an own topic before it is saved: its asker waits for it, nobody else wants
  // it. One attempt (a retry would answer after the asker gave up). The asker removes the job
  // once it has read the answer; kept until then, since an answer that came before the asker's
  // events listener read the stream is found only in the job. An hour at most, should the
  // asker be gone.
  preview: {
    attempts: 1,
    removeOnComplete: { age: 3600, count: 100 },
    removeOnFail: { age: 3600, count: 100 },
  },
};

/**
 * The notifier's own backoff: the first delay doubled each try, or longer when the destination
 * answered Retry-After. BullMQ calls the worker's backoffStrategy for a type it does not know.
 */
export const NOTIFY_BACKOFF = 'delivery';

/** Options of every notify job: a delivery or a WebSub ping, retried alike. */
export function notifyJobOptions(notify: { attempts: number; retryDelayMs: number }): JobsOptions {
  return {
    ...DEFAULT_JOB_OPTIONS.notify,
    attempts: notify.attempts,
    backoff: { type: NOTIFY_BACKOFF, delay: notify.retryDelayMs },
  };
}
