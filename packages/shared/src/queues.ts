import type { JobsOptions } from 'bullmq';

export const QUEUE = {
  feeds: 'feeds',
  readFeed: 'read-feed',
  classify: 'classify',
  aggregate: 'aggregate',
  notify: 'notify',
  backfill: 'backfill',
} as const;
export type QueueName = (typeof QUEUE)[keyof typeof QUEUE];
export const QUEUE_NAMES: QueueName[] = Object.values(QUEUE);

export const JOB = {
  load: 'load-feeds',
  readFeed: 'read-feed',
  classify: 'classify',
  aggregateRun: 'aggregate-run',
  deliver: 'deliver-digest',
  backfill: 'backfill-own-topic',
} as const;

export const DAILY_SCHEDULER_ID = 'daily-digest';

const DAY_S = 24 * 3600;

/** Completed and failed jobs are kept long enough to inspect in Bull Board, then trimmed. */
export const DEFAULT_JOB_OPTIONS: Record<QueueName, JobsOptions> = {
  feeds: {
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
