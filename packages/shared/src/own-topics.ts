import { createHash } from 'node:crypto';
import { z } from 'zod';

/**
 * Own topics: phrases a subscriber writes beside the shared labels. Two subscribers who
 * write the same words (case and spaces aside) share one topic, classified once for both;
 * its id is a hash of those words, so it can name Redis keys and jobs whatever was written.
 */
export const OWN_TOPIC_ID_PATTERN = /^[a-f0-9]{16}$/;
export const OwnTopicIdSchema = z.string().regex(OWN_TOPIC_ID_PATTERN, { message: 'not an own-topic id' });

/** The words as they are shown and asked of the model: spaces collapsed, nothing else changed. */
export function ownTopicWords(text: string): string {
  return text.normalize('NFKC').replace(/\s+/g, ' ').trim();
}

/** What makes two own topics the same one: their words without case. */
export function ownTopicKey(text: string): string {
  return ownTopicWords(text).toLowerCase();
}

export function ownTopicId(text: string): string {
  return createHash('sha256').update(ownTopicKey(text)).digest('hex').slice(0, 16);
}

/** Data of a `backfill` job: classify the stored articles of the last BACKFILL_DAYS for one new own topic. */
export const BackfillJobSchema = z.strictObject({ topicId: OwnTopicIdSchema });
export type BackfillJob = z.infer<typeof BackfillJobSchema>;

/** Progress a backfill job reports (Bull Board shows it; `tidings status` reads it). */
export const BackfillProgressSchema = z.object({
  done: z.number().int().nonnegative(),
  total: z.number().int().nonnegative(),
  matched: z.number().int().nonnegative(),
});
export type BackfillProgress = z.infer<typeof BackfillProgressSchema>;

/** An own topic as the registry holds it: its id and the words the model is asked about. */
const RegisteredOwnTopicSchema = z.object({ id: z.string(), words: z.string() });

/**
 * What rebuilding the own-topic registry from the subscription records fixed: done at the
 * dashboard's start and by `tidings subscribers check`, which prints it.
 */
export const OwnTopicRepairSchema = z.object({
  /** Registered topics no subscription has: dropped, so the classifiers stop scoring them. */
  orphansRemoved: z.array(RegisteredOwnTopicSchema),
  /** Topics a subscription has that were not registered: added, and backfilled like new ones. */
  missingAdded: z.array(RegisteredOwnTopicSchema),
  /** Entries of topics' subscriber sets that named a subscription without the topic, or missed one with it. */
  holdersFixed: z.number().int().nonnegative(),
});
export type OwnTopicRepair = z.infer<typeof OwnTopicRepairSchema>;
