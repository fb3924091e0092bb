import { BackfillJobSchema, DEFAULT_JOB_OPTIONS, JOB, QUEUE } from '@tidings/shared';
import type { Queue } from 'bullmq';

/**
 * One backfill job per newly registered own topic, and never a second one for a topic whose
 * backfill is still waiting or running: a subscriber swapping a topic out and in would
 * otherwise queue a full pass over BACKFILL_DAYS of articles with every swap. The running
 * one covers the swap, since releasing a topic leaves the scores it wrote. BullMQ's
 * deduplication holds only until the job completes or fails (a job id of the topic alone
 * would hold as long as the completed job is kept), so a topic dropped by everyone and
 * written again later, which nobody scored meanwhile, is backfilled again.
 */
export async function queueBackfills(backfillQueue: Queue, topicIds: string[], now = Date.now()): Promise<void> {
  if (backfillQueue.name !== QUEUE.backfill) throw new Error(`queueBackfills needs the "${QUEUE.backfill}" queue`);
  if (topicIds.length === 0) return;
  await backfillQueue.addBulk(
    topicIds.map((topicId) => ({
      name: JOB.backfill,
      data: BackfillJobSchema.parse({ topicId }),
      opts: {
        ...DEFAULT_JOB_OPTIONS.backfill,
        jobId: `backfill.${topicId}.${now}`,
        deduplication: { id: `backfill.${topicId}` },
      },
    })),
  );
}
