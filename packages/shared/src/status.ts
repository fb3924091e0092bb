import { z } from 'zod';
import { RunSummarySchema } from './schemas.js';

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
  ]),
  message: z.string(),
  /** Where: a host, a feed URL (masked), a destination. */
  where: z.string().optional(),
  since: z.iso.datetime({ offset: true }).optional(),
});
export type Problem = z.infer<typeof ProblemSchema>;

export const WorkerKindSchema = z.enum(['loader', 'classifier', 'aggregator', 'notifier']);
export type WorkerKind = z.infer<typeof WorkerKindSchema>;

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
    }),
  ),
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
  problems: z.array(ProblemSchema),
});
export type StackStatus = z.infer<typeof StackStatusSchema>;
