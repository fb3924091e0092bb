import { PreviewUnansweredError, requestOwnTopicPreview } from '@tidings/run-requests';
import { describeZodError, FEED_KEY_PATTERN } from '@tidings/shared';
import { checkOwnTopics, OwnTopicError, type OwnTopicLimits, type SubscriptionStore } from '@tidings/subscriptions';
import type { Queue, QueueEvents } from 'bullmq';
import type { PreviewLock, PreviewReader } from './preview-lock.js';
import { OwnTopicPreviewBodySchema } from './requests.js';
import { type ApiResult, refuse } from './result.js';

export interface OwnTopicPreviewDeps {
  /** The "preview" queue, and its events, listening since the dashboard started. */
  queue: Queue;
  events: QueueEvents;
  lock: PreviewLock;
  subscriptions: SubscriptionStore;
  labels: string[];
  limits: OwnTopicLimits;
  /** PREVIEW_TIMEOUT_MS */
  timeoutMs: number;
}

/**
 * The store's rules name the field of a subscription (`ownTopics[0]: is empty`); a preview
 * has one topic, sent as `ownTopic`.
 */
function asPreviewField(message: string): string {
  return message.replace(/^ownTopics\[0\]/, 'ownTopic');
}

/**
 * A preview of an own topic before anything is saved: checked by the same rules as a save,
 * one at a time per reader (429 with Retry-After while theirs runs), answered by a classifier
 * within PREVIEW_TIMEOUT_MS (503 when none took it or it failed, 504 when one ran out of time).
 */
export async function previewOwnTopic(
  body: unknown,
  reader: PreviewReader,
  deps: OwnTopicPreviewDeps,
): Promise<ApiResult> {
  const parsed = OwnTopicPreviewBodySchema.safeParse(body ?? {});
  if (!parsed.success) return refuse(400, 'Bad Request', describeZodError(parsed.error));
  let words: string;
  try {
    [words = ''] = checkOwnTopics([parsed.data.ownTopic], deps.labels, deps.limits);
  } catch (err) {
    if (err instanceof OwnTopicError) return refuse(400, err.code, asPreviewField(err.message));
    throw err;
  }
  if ('feedKey' in reader) {
    const sub = FEED_KEY_PATTERN.test(reader.feedKey) ? await deps.subscriptions.byFeedKey(reader.feedKey) : null;
    if (!sub) return refuse(404, 'Not Found', 'no subscriber has this key: it was replaced, or they unsubscribed');
  }
  const lock = await deps.lock.acquire(reader);
  if (!lock.ok)
    return {
      ...refuse(
        429,
        'TIDINGS_DASHBOARD_PREVIEW_RUNNING',
        `a preview of yours is still running; one at a time: try again in ${lock.retryAfterS} s`,
      ),
      headers: { 'retry-after': String(lock.retryAfterS) },
    };
  try {
    return { status: 200, body: await requestOwnTopicPreview(deps.queue, deps.events, words, deps.timeoutMs) };
  } catch (err) {
    if (!(err instanceof PreviewUnansweredError)) throw err;
    return refuse(err.reason === 'too-slow' ? 504 : 503, err.code, err.message);
  } finally {
    await lock.release();
  }
}
