import { z } from 'zod';
import { ClassifierVersionIdSchema } from './classifier-version.js';
import { ArticleIdSchema, RunIdSchema } from './ids.js';
import { OwnTopicIdSchema } from './own-topics.js';

const isoDate = z.iso.datetime({ offset: true });

/** Longest feed URL or path a job may name; real feed URLs are far shorter. */
export const FEED_MAX_CHARS = 2048;

/** An absolute http: or https: URL with a host: the only links and job feeds tidings follows. */
export function isHttpUrl(value: string): boolean {
  if (!/^https?:\/\//i.test(value)) return false;
  try {
    return new URL(value).hostname !== '';
  } catch {
    return false;
  }
}

export const ArticleSchema = z.object({
  id: ArticleIdSchema,
  /** The feed as it may be shown: credentials masked (maskFeedUrl). */
  feed: z.string().min(1).max(FEED_MAX_CHARS),
  /** Plain text; the loader caps titles at 300 characters and summaries at SUMMARY_MAX_CHARS. */
  title: z.string().max(1_000),
  summary: z.string().max(100_001),
  /**
   * An http(s) URL or "": a javascript:, data: or file: link would run or read something
   * wherever it is shown, so any other link becomes "" in every job, record and snapshot
   * that passes through this schema (the article itself is kept).
   */
  link: z
    .string()
    .max(8_192)
    .overwrite((link) => (isHttpUrl(link) ? link : '')),
  published: isoDate,
  /** True when the feed gave no usable date and `published` is the fetch time. */
  publishedEstimated: z.boolean().default(false),
  fetchedAt: isoDate,
});
export type Article = z.infer<typeof ArticleSchema>;

/** One outlet's copy of a story, as the story's sources list keeps it. */
export const StorySourceSchema = ArticleSchema.pick({ feed: true, title: true, link: true, published: true });
export type StorySource = z.infer<typeof StorySourceSchema>;

/**
 * Data of a `classify` job: ids only, nothing else is accepted. The article itself is in its
 * run's article hash (runArticles), its only copy while the run runs; the classifier reads
 * it from there and checks it against ArticleSchema.
 */
export const ClassifyJobSchema = z.strictObject({
  runId: RunIdSchema,
  articleId: ArticleIdSchema,
});
export type ClassifyJob = z.infer<typeof ClassifyJobSchema>;

export const ClassifyResultSchema = z.object({
  articleId: ArticleIdSchema,
  label: z.string().min(1),
  score: z.number().min(0).max(1),
  scores: z.record(z.string(), z.number().min(0).max(1)),
  model: z.string().min(1),
  dtype: z.string().min(1),
  ms: z.number().nonnegative(),
  worker: z.string().optional(),
  /** Each own topic's score (own-topic id → score), every topic on its own (multi-label); absent when there are none. */
  ownScores: z.record(OwnTopicIdSchema, z.number().min(0).max(1)).optional(),
  /** The classifier version that made it (ClassifierVersion.id); absent from workers older than lineage. */
  version: ClassifierVersionIdSchema.optional(),
  /** Every label's score as the model gave it, when a calibration made `scores`; absent: `scores` are the model's own. */
  rawScores: z.record(z.string(), z.number().min(0).max(1)).optional(),
  /** The calibration `label` and `scores` were made under (Calibration.id); null or absent: none. */
  calibration: z.string().nullable().optional(),
});
export type ClassifyResult = z.infer<typeof ClassifyResultSchema>;

/**
 * What started a run: the schedule, a request, or a re-scoring of stored articles
 * (`tidings reclassify`), which reads no feed and sends nothing.
 */
export const TriggerSchema = z.enum(['schedule', 'manual', 'reclassify']);
export type Trigger = z.infer<typeof TriggerSchema>;

export const FeedErrorSchema = z.object({ code: z.string(), message: z.string() });

export const FeedReportSchema = z.object({
  url: z.string(),
  status: z.enum(['ok', 'not-modified', 'failed']),
  fetched: z.number().int().nonnegative(),
  kept: z.number().int().nonnegative(),
  dropped: z.record(z.string(), z.number().int().nonnegative()),
  /**
   * How the body was decoded; `guessed` when the feed named no charset at all; `note` when
   * what it declared was set aside, and why.
   */
  charset: z.object({ name: z.string(), guessed: z.boolean(), note: z.string().optional() }).optional(),
  /** Well-formedness errors the parser read past (`line N: what`), the first few: the feed was still read. */
  warnings: z.array(z.string()).optional(),
  error: FeedErrorSchema.optional(),
});
export type FeedReport = z.infer<typeof FeedReportSchema>;

/**
 * Data of a run-request job (queue QUEUE.runRequests, "feeds" in Redis): one request to run the
 * digest now or on schedule. Anyone who can write to Redis (Bull Board, the API) can add one,
 * so a feed named here is an http(s) URL. A local file is allowed only in a job signed by
 * `tidings run` on the loader's host (`signature`, checked by the loader with the key in
 * DATA_DIR); files named in FEED_URLS are read when a job names no feeds.
 */
export const RunRequestJobSchema = z
  .strictObject({
    // A reclassify run reads no feed: it is requested as a flow of its own (requestReclassify).
    trigger: TriggerSchema.exclude(['reclassify']),
    feeds: z.array(z.string().min(1).max(FEED_MAX_CHARS)).min(1).max(50).optional(),
    reclassify: z.boolean().default(false),
    signature: z
      .string()
      .regex(/^[0-9a-f]{64}$/, { message: 'not a hex HMAC-SHA256' })
      .optional(),
  })
  .superRefine((job, ctx) => {
    if (job.signature) return;
    job.feeds?.forEach((feed, i) => {
      if (!isHttpUrl(feed))
        ctx.addIssue({
          code: 'custom',
          path: ['feeds', i],
          message:
            'not an http(s) URL (a local file is read only when FEED_URLS names it or `tidings run` asks for it)',
        });
    });
  });
export type RunRequestJob = z.infer<typeof RunRequestJobSchema>;

/**
 * Data of the `aggregate-run` parent job: the run as the loader started it. Its articles are
 * not here (a run may have 50 000): each `read-feed` child keeps its feed's articles in the
 * run's article hash (runArticles), and its report is that child's result.
 */
/**
 * The stored articles a reclassify run re-scores: published in [since, until), of one stored
 * label or all; `dryRun` (a shadow run) writes only its report, applied later on request.
 */
export const ReclassifySelectionSchema = z.strictObject({
  since: isoDate,
  until: isoDate,
  topic: z.string().min(1).max(200).optional(),
  dryRun: z.boolean(),
});
export type ReclassifySelection = z.infer<typeof ReclassifySelectionSchema>;

/**
 * Data of the one `select-stored` job of a reclassify run (queue "reclassify"), the child that
 * puts the run's stored articles through the classify queue; `cursor` is how many of the
 * run's snapshot of article ids it has already added, so a retried or delayed job resumes.
 */
export const SelectStoredJobSchema = z.strictObject({
  runId: RunIdSchema,
  selection: ReclassifySelectionSchema,
  cursor: z.number().int().nonnegative().default(0),
});
export type SelectStoredJob = z.infer<typeof SelectStoredJobSchema>;

export const RunManifestSchema = z
  .strictObject({
    runId: RunIdSchema,
    trigger: TriggerSchema,
    startedAt: isoDate,
    /** The run's feeds as they may be shown (maskFeedUrl), in the order of their read-feed jobs. */
    feeds: z.array(z.string().min(1).max(FEED_MAX_CHARS)).max(10_000),
    /** What a reclassify run re-scores; present exactly when trigger is "reclassify". */
    reclassify: ReclassifySelectionSchema.optional(),
  })
  .refine((m) => (m.trigger === 'reclassify') === (m.reclassify !== undefined), {
    message: 'a reclassify run, and only one, names its selection',
    path: ['reclassify'],
  });
export type RunManifest = z.infer<typeof RunManifestSchema>;

/** Most feeds one run reads; each is a job of its own. */
export const RUN_MAX_FEEDS = 10_000;

/**
 * Data of a `read-feed` job: one feed of one run. Anyone who can write to Redis can add one,
 * so the loader decides at the worker what the feed may reach: the operator's own feeds
 * (FEED_URLS, the feed list) and feeds granted by a verified `tidings run` (`grant`, an HMAC
 * by this host's key) are read as given; anything else only as a public http(s) URL.
 */
export const ReadFeedJobSchema = z.strictObject({
  runId: RunIdSchema,
  index: z.number().int().nonnegative().lt(RUN_MAX_FEEDS),
  feed: z.string().min(1).max(FEED_MAX_CHARS),
  reclassify: z.boolean().default(false),
  grant: z
    .string()
    .regex(/^[0-9a-f]{64}$/, { message: 'not a hex HMAC-SHA256' })
    .optional(),
});
export type ReadFeedJob = z.infer<typeof ReadFeedJobSchema>;

export const TopicArticleSchema = ArticleSchema.extend({
  label: z.string(),
  score: z.number(),
  /** Every label's score, as the classifier returned them (absent for articles stored before they were kept). */
  scores: z.record(z.string(), z.number()).optional(),
  /** Every own topic's score when the article was classified (own-topic id → score), like `scores`. */
  ownScores: z.record(z.string(), z.number()).optional(),
  /** The classifier version that made `label` and `scores` (absent for articles stored before lineage). */
  version: ClassifierVersionIdSchema.optional(),
  /** Every label's score as the model gave it, when a calibration made `scores` (see ClassifyResult). */
  rawScores: z.record(z.string(), z.number()).optional(),
  /** The calibration `label` and `scores` were made under; null or absent: none. */
  calibration: z.string().nullable().optional(),
  /** The reclassify run that last re-scored this article, when one did. */
  reclassifiedBy: z.string().optional(),
  runId: z.string(),
  /**
   * Every outlet that reported this story, this article first; present on every article the
   * topic store reads (not in a Run's own record). Read at read time, so a copy that arrives
   * after the story was classified is listed too.
   */
  sources: z.array(StorySourceSchema).optional(),
  /**
   * The reader's own topics this article matched, by the words they wrote, with each one's
   * score; set when a personal feed reads it, never stored.
   */
  ownMatches: z.array(z.object({ topic: z.string(), score: z.number() })).optional(),
});
export type TopicArticle = z.infer<typeof TopicArticleSchema>;

export const TopicGroupSchema = z.object({
  label: z.string(),
  count: z.number().int().nonnegative(),
  articles: z.array(TopicArticleSchema),
});
export type TopicGroup = z.infer<typeof TopicGroupSchema>;

export const RunCountsSchema = z.object({
  fetched: z.number().int().nonnegative(),
  new: z.number().int().nonnegative(),
  classified: z.number().int().nonnegative(),
  failed: z.number().int().nonnegative(),
});
export type RunCounts = z.infer<typeof RunCountsSchema>;

export const ArticleFailureSchema = z.object({
  articleId: z.string(),
  title: z.string(),
  reason: z.string(),
});
export type ArticleFailure = z.infer<typeof ArticleFailureSchema>;

/**
 * Most articles a run's record keeps per topic, and most failures it lists: the record is a
 * summary of bounded size however large the run; every article is in the store, and the
 * counts are exact.
 */
export const RUN_RECORD_ARTICLES = 100;

export const RunSchema = z.object({
  id: RunIdSchema,
  trigger: TriggerSchema,
  feeds: z.array(FeedReportSchema),
  startedAt: isoDate,
  finishedAt: isoDate,
  durationMs: z.number().nonnegative(),
  counts: RunCountsSchema,
  failures: z.array(ArticleFailureSchema),
  /** How many articles each classifier version classified ("unknown": a worker older than lineage); absent in older records. */
  versions: z.record(z.string(), z.number().int().nonnegative()).optional(),
  finalisedBy: z.enum(['aggregator', 'watchdog']),
  reason: z.string().optional(),
  topics: z.array(TopicGroupSchema),
});
export type Run = z.infer<typeof RunSchema>;

/** Run without its topic groups: what lists of runs carry. */
export const RunSummarySchema = RunSchema.omit({ topics: true });
export type RunSummary = z.infer<typeof RunSummarySchema>;

export const DigestSchema = z.object({
  generatedAt: isoDate,
  windowHours: z.number().positive(),
  from: isoDate.nullable(),
  to: isoDate.nullable(),
  runId: z.string().nullable(),
  topics: z.array(TopicGroupSchema),
});
export type Digest = z.infer<typeof DigestSchema>;

export const RunFinishedMessageSchema = z.object({
  type: z.literal('run-finished'),
  runId: z.string(),
  counts: RunCountsSchema,
});
export type RunFinishedMessage = z.infer<typeof RunFinishedMessageSchema>;

export const WorkerHeartbeatSchema = z.object({
  id: z.string(),
  pid: z.number().int(),
  host: z.string(),
  model: z.string(),
  dtype: z.string(),
  /** How long loading and warming up the model took. */
  loadMs: z.number().nonnegative().optional(),
  /** The classifier version it runs (ClassifierVersion.id). */
  version: ClassifierVersionIdSchema.optional(),
  jobsDone: z.number().int().nonnegative(),
  startedAt: isoDate,
  beatAt: isoDate,
});
export type WorkerHeartbeat = z.infer<typeof WorkerHeartbeatSchema>;

/**
 * DATA_DIR/stack.json, written by `tidings start` while its private redis-server runs, so
 * the other commands on this host find it: the URL without the password, and the file that
 * holds the password (mode 0600), so the file itself can be read by anyone without harm.
 */
export const StackFileSchema = z.strictObject({
  redisUrl: z
    .string()
    .regex(/^redis:\/\/127\.0\.0\.1:\d+$/, { message: 'not a loopback redis:// URL without a password' }),
  passwordFile: z.string().min(1),
});
export type StackFile = z.infer<typeof StackFileSchema>;

/** One line naming the first thing wrong with a payload, e.g. "article.published: Invalid ISO datetime". */
export function describeZodError(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(root)'}: ${issue.message}`)
    .join('; ');
}
