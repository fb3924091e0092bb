import type { Digest } from '@tidings/shared';
import type { z } from 'zod';
import type { DashboardData } from './dashboard-data.js';
import { type Page, PageQuerySchema, TOPIC_ARTICLES, TopicsQuerySchema } from './requests.js';
import { type ApiResult, type ErrorBody, refuse } from './result.js';

/**
 * 400 naming the query parameter, or undefined when the value is within bounds. Checked here
 * as well as by the route's JSON schema (made from the same zod schema): Ajv's type coercion
 * (as Fastify sets it up) turns "Infinity" and "1e400" into Infinity and lets it through, and
 * Redis then fails with a 500.
 */
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
  const bad = checkQuery(TopicsQuerySchema, query);
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
  const bad = checkQuery(PageQuerySchema, page);
  if (bad) return bad;
  const labels = await data.store.labels();
  if (!labels.includes(label)) return refuse(404, 'Not Found', `no topic '${label}'; known: ${labels.join(', ')}`);
  return { status: 200, body: await data.store.topicArticles(label, page) };
}
