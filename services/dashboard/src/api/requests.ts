import type { RunRequest } from '@tidings/shared';
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
  day: z.string().max(10).optional(),
  q: z.string().max(2_000).optional(),
});

/** The file part of /feeds/<slug>.<format> and /feeds/s/<key>.<format>; which files exist, the route decides. */
export const FeedFileParamsSchema = z.strictObject({ file: z.string().max(100) });
export const FeedQuerySchema = z.strictObject({ key: z.string().max(64).optional() });
export const FeedKeyParamsSchema = z.strictObject({ key: z.string().max(64) });
