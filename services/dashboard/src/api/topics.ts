import type { Digest } from '@tidings/shared';
import { z } from 'zod';
import type { DashboardData } from './dashboard-data.js';
import { type ApiResult, type ErrorBody, refuse } from './result.js';

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

/**
 * Checked here as well as by the routes' JSON schemas: Ajv's type coercion (as Fastify sets it up) turns "Infinity" and
 * "1e400" into Infinity and lets it through, and Redis then fails with a 500.
 */
export const PageSchema = z.object({
  offset: z.number().int().min(0).max(PAGE.maxOffset),
  limit: z.number().int().min(1).max(PAGE.maxLimit),
});
export type Page = z.infer<typeof PageSchema>;
const DigestQuerySchema = z.object({
  hours: z.number().positive().max(MAX_HOURS).optional(),
  perTopic: z.number().int().min(1).max(TOPIC_ARTICLES.max).optional(),
});

/** 400 naming the query parameter, or undefined when the value is within bounds. */
export function checkQuery(schema: z.ZodType, value: unknown): ApiResult<ErrorBody> | undefined {
  const parsed = schema.safeParse(value);
  if (parsed.success) return undefined;
  const issue = parsed.error.issues[0];
  const field = issue?.path.length ? `/${issue.path.join('/')}` : '';
  return refuse(400, 'Bad Request', `querystring${field} ${issue?.message ?? 'is invalid'}`);
}

/** The digest of the last `hours`, or the topics of one stored run. */
export async function getDigest(
  data: DashboardData,
  query: { run?: string; hours?: number; perTopic?: number },
  windowHours: number,
): Promise<ApiResult<Digest | ErrorBody>> {
  const bad = checkQuery(DigestQuerySchema, { hours: query.hours, perTopic: query.perTopic });
  if (bad) return bad;
  const hours = query.hours ?? windowHours;
  const perTopic = query.perTopic ?? TOPIC_ARTICLES.default;
  if (!query.run) return { status: 200, body: await data.store.digest({ hours, perTopic }) };
  const run = await data.store.run(query.run);
  if (!run) return refuse(404, 'Not Found', `no run '${query.run}'`);
  return {
    status: 200,
    body: {
      generatedAt: new Date().toISOString(),
      windowHours: hours,
      from: null,
      to: null,
      runId: run.id,
      topics: run.topics,
    },
  };
}

export async function getTopicArticles(data: DashboardData, label: string, page: Page): Promise<ApiResult> {
  const bad = checkQuery(PageSchema, page);
  if (bad) return bad;
  const labels = await data.store.labels();
  if (!labels.includes(label)) return refuse(404, 'Not Found', `no topic '${label}'; known: ${labels.join(', ')}`);
  return { status: 200, body: await data.store.topicArticles(label, page) };
}
