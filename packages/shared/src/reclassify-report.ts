import { z } from 'zod';
import { ClassifierVersionIdSchema } from './classifier-version.js';
import { RunIdSchema } from './ids.js';
import { ArticleFailureSchema, ClassifyResultSchema, ReclassifySelectionSchema } from './schemas.js';

const isoDate = z.iso.datetime({ offset: true });
const count = z.number().int().nonnegative();

/** Most changed articles a report lists, and most failures: the counts stay exact. */
export const RECLASSIFY_REPORT_LIST = 500;

/** Where a stored article had no version: classified before tidings recorded lineage. */
export const UNKNOWN_VERSION = 'unknown';

/** What a reclassify run found for one article, kept until the run is applied. */
export const ReclassifiedArticleSchema = ClassifyResultSchema.pick({
  label: true,
  score: true,
  scores: true,
  version: true,
  rawScores: true,
  calibration: true,
}).extend({
  /** The stored label it was compared with. */
  was: z.string(),
});
export type ReclassifiedArticle = z.infer<typeof ReclassifiedArticleSchema>;

export const ReclassifyChangeSchema = z.object({
  articleId: z.string(),
  title: z.string(),
  from: z.string(),
  to: z.string(),
  score: z.number(),
});
export type ReclassifyChange = z.infer<typeof ReclassifyChangeSchema>;

/** What applying a reclassify run wrote: each article at most once. */
export const ReclassifyApplySchema = z.object({
  appliedAt: isoDate,
  /** Articles whose label changed. */
  changed: count,
  /** Articles that kept their label (their scores and version were still written). */
  unchanged: count,
  /** Articles no longer stored (pruned since), or relabelled since the report by a newer run: left as they are. */
  skipped: count,
});
export type ReclassifyApply = z.infer<typeof ReclassifyApplySchema>;

/**
 * A reclassify run's report, the shadow report of a dry run: how far the new classifier
 * agrees with the stored labels, overall and per label, the confusion between old and new
 * labels, and the articles whose label would change. `applied` is set once it is applied.
 */
export const ReclassifyReportSchema = z.object({
  runId: RunIdSchema,
  selection: ReclassifySelectionSchema,
  startedAt: isoDate,
  finishedAt: isoDate,
  finalisedBy: z.enum(['aggregator', 'watchdog']),
  reason: z.string().optional(),
  counts: z.object({
    /** Articles the selection held when the run read it. */
    selected: count,
    classified: count,
    failed: count,
    /** Classified articles compared with a stored label (the rest were pruned meanwhile). */
    compared: count,
    agreed: count,
    changed: count,
  }),
  /** The versions the stored labels were made by (UNKNOWN_VERSION: before lineage), with how many articles. */
  fromVersions: z.record(z.string(), count),
  /** The versions that made the new labels. */
  toVersions: z.record(ClassifierVersionIdSchema.or(z.literal(UNKNOWN_VERSION)), count),
  /** Per stored label: how many had it, how many have it now, how many kept it. */
  perLabel: z.record(z.string(), z.object({ before: count, after: count, agreed: count })),
  /** Stored label → new label → articles. */
  confusion: z.record(z.string(), z.record(z.string(), count)),
  changes: z.array(ReclassifyChangeSchema),
  failures: z.array(ArticleFailureSchema),
  applied: ReclassifyApplySchema.nullable(),
});
export type ReclassifyReport = z.infer<typeof ReclassifyReportSchema>;
