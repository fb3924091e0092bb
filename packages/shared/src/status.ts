import { z } from 'zod';
import { RunSummarySchema } from './schemas.js';
import { WORKER_KINDS, type WorkerKind } from './services.js';

/** Something an operator should fix; `tidings status`, the page and /metrics all show the same list. */
export const ProblemSchema = z.object({
  kind: z.enum([
    'model-unavailable',
    'feed-failing',
    'notification-failed',
    'webhook-disabled',
    'no-loader',
    'no-classifier',
    'no-aggregator',
    'run-late',
    'missed-run',
  ]),
  message: z.string(),
  /** Where: a host, a feed URL (masked), a destination. */
  where: z.string().optional(),
  since: z.iso.datetime({ offset: true }).optional(),
});
export type Problem = z.infer<typeof ProblemSchema>;

/** A service that works queues (services.ts). */
export const WorkerKindSchema = z.enum(WORKER_KINDS as [WorkerKind, ...WorkerKind[]]);

/** The daily schedule and how fresh the digest is: the freshness check `tidings status`, the page and /metrics share. */
export const ScheduleStatusSchema = z.object({
  cron: z.string(),
  tz: z.string(),
  freshnessGraceMs: z.number().nonnegative(),
  /** The newest time the schedule was due, now or before. */
  lastDueAt: z.iso.datetime({ offset: true }).nullable(),
  nextDueAt: z.iso.datetime({ offset: true }).nullable(),
  /** The newest finished scheduled or requested run that read at least one feed (reclassify runs read none). */
  lastSuccessfulRun: z.object({ id: z.string(), finishedAt: z.iso.datetime({ offset: true }) }).nullable(),
});
export type ScheduleStatus = z.infer<typeof ScheduleStatusSchema>;

export const StackStatusSchema = z.object({
  /** The Redis in use, passwords masked. */
  redis: z.string(),
  redisKind: z.enum(['url', 'sentinel', 'cluster']),
  /** Where writes go now (host:port): the server, the primary the Sentinels name, or every cluster primary. */
  redisPrimaries: z.array(z.string()),
  queues: z.record(z.string(), z.record(z.string(), z.number())),
  workers: z.array(
    z.object({
      kind: WorkerKindSchema,
      host: z.string(),
      model: z.string().optional(),
      dtype: z.string().optional(),
      loadMs: z.number().optional(),
      /** The classifier version it runs (docs/reclassify.md). */
      version: z.string().optional(),
    }),
  ),
  /** The classifier version the most recently started classifier runs; null before one started. */
  classifierVersion: z.string().nullable().optional(),
  /** The reclassify run in progress, if any. */
  reclassify: z
    .object({
      runId: z.string(),
      state: z.string(),
      classified: z.number().int(),
      failed: z.number().int(),
      total: z.number().int(),
    })
    .nullable()
    .optional(),
  runs: z.array(RunSummarySchema),
  /** Own topics being backfilled or waiting to be: the words asked of the model and how far it got. */
  backfills: z.array(
    z.object({
      topicId: z.string(),
      topic: z.string(),
      state: z.string(),
      done: z.number().int(),
      total: z.number().int(),
      matched: z.number().int(),
    }),
  ),
  nextRunAt: z.iso.datetime({ offset: true }).nullable(),
  /** Absent until a loader has kept the schedule's record in Redis. */
  schedule: ScheduleStatusSchema.nullable().optional(),
  problems: z.array(ProblemSchema),
});
export type StackStatus = z.infer<typeof StackStatusSchema>;
