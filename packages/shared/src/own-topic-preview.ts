import { z } from 'zod';
import { ArticleIdSchema } from './ids.js';

/** OWN_TOPIC_MAX_CHARS's own ceiling: a preview job carries no more, whatever sent it. */
const PREVIEW_WORDS_MAX = 200;

/**
 * Data of a `preview` job: words a reader is about to save as an own topic. The dashboard and
 * the CLI check them with the subscription store's rules first (checkOwnTopics), so a preview
 * accepts exactly what a save would; this bound is what the worker relies on.
 */
export const PreviewJobSchema = z.strictObject({ words: z.string().trim().min(1).max(PREVIEW_WORDS_MAX) });
export type PreviewJob = z.infer<typeof PreviewJobSchema>;

/** How many best matches a preview lists. */
export const PREVIEW_TOP = 10;

export const PreviewMatchSchema = z.object({
  articleId: ArticleIdSchema,
  title: z.string(),
  link: z.string(),
  published: z.string(),
  score: z.number().min(0).max(1),
});
export type PreviewMatch = z.infer<typeof PreviewMatchSchema>;

/** What a preview answers: nothing of it is stored. */
export const OwnTopicPreviewSchema = z.object({
  words: z.string(),
  /** Articles scoring at least `threshold` among those scored. */
  matched: z.number().int().nonnegative(),
  /** Articles scored before the time budget ran out (equal to `considered` when it did not). */
  scored: z.number().int().nonnegative(),
  /** The newest stored articles of the window it set out to score: at most PREVIEW_MAX_ARTICLES. */
  considered: z.number().int().nonnegative(),
  /** Stored articles in the window. */
  inWindow: z.number().int().nonnegative(),
  days: z.number().int().positive(),
  /** OWN_TOPIC_THRESHOLD */
  threshold: z.number().min(0).max(1),
  /** The best matches, best first. */
  top: z.array(PreviewMatchSchema).max(PREVIEW_TOP),
});
export type OwnTopicPreview = z.infer<typeof OwnTopicPreviewSchema>;
