import type { RunRequest } from '@tidings/run-requests';
import { ArticleIdSchema, FEED_KEY_PATTERN, LabelVerdictSchema, OwnVerdictSchema } from '@tidings/shared';
import { z } from 'zod';

/*
 * What every route accepts, once: the Fastify routes take their JSON schemas from these
 * (fastify/request-schema.ts), and the api handlers check the values against the same ones.
 * Strict objects: a field a route does not know is a 400, never silently dropped. Every
 * number has a ceiling, so "1e20" or "Infinity" is a 400 and never a Redis error.
 */

/** Paging bounds: every number a client sends has a ceiling, so none reaches Redis unchecked. */
export const PAGE = { maxOffset: 100_000, maxLimit: 200, defaultLimit: 20 } as const;
export const MAX_HOURS = 24 * 365;
/**
 * Articles per topic in a digest: the newest this many, with every topic's count exact. A
 * busy day has thousands; the rest of a topic is a page of /api/topics/:label away. The
 * page shows fewer per topic across all topics (a reader scans them), and `default` when
 * filtered to one.
 */
export const TOPIC_ARTICLES = { default: 100, max: 1_000, page: 20 } as const;

export const PageQuerySchema = z.strictObject({
  offset: z.number().int().min(0).max(PAGE.maxOffset).default(0),
  limit: z.number().int().min(1).max(PAGE.maxLimit).default(PAGE.defaultLimit),
});
export type Page = z.infer<typeof PageQuerySchema>;

/** GET /api/topics: the digest of the last `hours`, one calendar `day`, or one stored `run`. */
export const TopicsQuerySchema = z.strictObject({
  run: z.string().max(200).optional(),
  hours: z.number().positive().max(MAX_HOURS).optional(),
  day: z.string().max(10).optional(),
  perTopic: z.number().int().min(1).max(TOPIC_ARTICLES.max).optional(),
});

export const TrendsQuerySchema = z.strictObject({ days: z.number().int().min(1).max(3650).optional() });

export const RunIdParamsSchema = z.strictObject({ id: z.string().max(200) });
export const TopicLabelParamsSchema = z.strictObject({ label: z.string().max(64) });
export const SubscriptionIdParamsSchema = z.strictObject({ id: z.string().max(64) });

/** POST /api/reclassify (and the page's form, whose checkbox sends "on"). */
export const ReclassifyRequestBodySchema = z.strictObject({
  since: z
    .string()
    .max(40)
    .meta({ examples: ['7d', '12h', '2026-11-30'] }),
  topic: z.string().min(1).max(64).optional(),
  dryRun: z.boolean().optional(),
});
export type ReclassifyRequestBody = z.infer<typeof ReclassifyRequestBodySchema>;

/** A reclassify run's id in a path: a run id, so it can name nothing but a run's keys. */
export const ReclassifyRunParamsSchema = z.strictObject({
  id: z.string().regex(/^reclassify-[A-Za-z0-9_-]{1,80}$/, { message: 'not a reclassify run id' }),
});

/** POST /api/runs. */
export const RunRequestBodySchema = z.strictObject({
  feeds: z
    .array(
      z
        .string()
        .regex(/^https?:\/\/[^\s]+$/)
        .max(2048)
        .meta({ examples: ['https://news.example/feed.xml'] }),
    )
    .min(1)
    .max(20)
    .optional(),
  reclassify: z.boolean().optional(),
}) satisfies z.ZodType<RunRequest>;

/** GET /: what the page's own links and forms send; other fields are ignored, so a shared link with tracking parameters still opens. */
export const PageViewQuerySchema = z.object({
  topic: z.string().max(64).optional(),
  started: z.string().max(200).optional(),
  /** A reclassify run the page applied, or why the page's reclassify form was refused. */
  applied: z.string().max(200).optional(),
  refused: z.enum(['reclassify-busy', 'reclassify-request', 'reclassify-apply']).optional(),
  day: z.string().max(10).optional(),
  q: z.string().max(2_000).optional(),
});

/** The file part of /feeds/<slug>.<format> and /feeds/s/<key>.<format>; which files exist, the route decides. */
export const FeedFileParamsSchema = z.strictObject({ file: z.string().max(100) });
export const FeedQuerySchema = z.strictObject({ key: z.string().max(64).optional() });
export const FeedKeyParamsSchema = z.strictObject({ key: z.string().max(64) });

/**
 * POST /api/own-topics/preview and POST /s/:key/preview: one own topic to preview before it is
 * saved. Bounded here like a subscription's list; the configured rules (OWN_TOPIC_MAX_CHARS and
 * the rest) are the subscription store's, applied by the handler.
 */
export const OwnTopicPreviewBodySchema = z.strictObject({ ownTopic: z.string().max(10_000) });

/**
 * POST /api/feedback: a verdict on one article under one topic. As the operator (the token, or
 * open on loopback), or as a subscriber with their `feedKey` (then own topics too, by id).
 */
export const FeedbackRequestBodySchema = z.strictObject({
  articleId: ArticleIdSchema,
  topic: z.string().min(1).max(64),
  verdict: z.union([LabelVerdictSchema, OwnVerdictSchema]),
  feedKey: z.string().regex(FEED_KEY_PATTERN, { message: 'not a feed key' }).optional(),
});
export type FeedbackRequestBody = z.infer<typeof FeedbackRequestBodySchema>;

/** The vote forms of the topic page and the subscriber's page: flat fields, `verdict` as in a link. */
export const FeedbackFormBodySchema = z.strictObject({
  articleId: ArticleIdSchema,
  topic: z.string().min(1).max(64),
  verdict: z.enum(['not-about', 'belongs-in', 'relevant', 'not-relevant']),
  belongsIn: z.string().min(1).max(64).optional(),
});
export type FeedbackFormBody = z.infer<typeof FeedbackFormBodySchema>;

/** GET /api/articles/:id/explain: an article id, so it can name nothing but an article's keys. */
export const ArticleIdParamsSchema = z.strictObject({ id: ArticleIdSchema });
