import { randomUUID } from 'node:crypto';
import {
  DEFAULT_JOB_OPTIONS,
  JOB,
  type OwnTopicPreview,
  OwnTopicPreviewSchema,
  PreviewJobSchema,
  QUEUE,
} from '@tidings/shared';
import type { Queue, QueueEvents } from 'bullmq';
import { PreviewUnansweredError } from './errors/preview-unanswered-error.js';

/**
 * Asks a classifier to preview an own topic and waits for its answer, at most `timeoutMs`
 * (PREVIEW_TIMEOUT_MS, the classifier's budget too), on `events` (the "preview" queue's).
 * The job is removed once its answer is read. A preview nobody took is withdrawn, so no
 * classifier spends time on an answer nobody waits for; throws PreviewUnansweredError
 * saying which way it went.
 */
export async function requestOwnTopicPreview(
  queue: Queue,
  events: QueueEvents,
  words: string,
  timeoutMs: number,
): Promise<OwnTopicPreview> {
  if (queue.name !== QUEUE.preview) throw new Error(`requestOwnTopicPreview needs the "${QUEUE.preview}" queue`);
  const job = await queue.add(JOB.preview, PreviewJobSchema.parse({ words }), {
    ...DEFAULT_JOB_OPTIONS.preview,
    jobId: `preview.${randomUUID()}`,
  });
  let answer: unknown;
  try {
    answer = await job.waitUntilFinished(events, timeoutMs);
  } catch (err) {
    const state = await job.getState();
    if (state === 'active') throw new PreviewUnansweredError('too-slow', timeoutMs);
    // Removing a waiting job fails only if a classifier took it meanwhile; it then runs out
    // its budget and the job's age removes it.
    await job.remove().catch(() => undefined);
    if (state === 'waiting' || state === 'prioritized' || state === 'delayed')
      throw new PreviewUnansweredError('not-taken', timeoutMs);
    throw new PreviewUnansweredError('failed', timeoutMs, (err as Error).message);
  }
  await job.remove().catch(() => undefined);
  const parsed = OwnTopicPreviewSchema.safeParse(answer);
  if (!parsed.success) throw new PreviewUnansweredError('failed', timeoutMs, 'its answer was not a preview');
  return parsed.data;
}
