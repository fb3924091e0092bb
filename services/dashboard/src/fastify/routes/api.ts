import { DigestSchema } from '@tidings/shared';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { DashboardData } from '../../api/dashboard-data.js';
import { getDayDigest, getTrends, type HistoryOptions } from '../../api/history.js';
import {
  type Page,
  PageQuerySchema,
  RunIdParamsSchema,
  RunRequestBodySchema,
  TopicLabelParamsSchema,
  TopicsQuerySchema,
  TrendsQuerySchema,
} from '../../api/requests.js';
import { getRun, listRuns, queueRunRequest } from '../../api/runs.js';
import { getDigest, getTopicArticles } from '../../api/topics.js';
import { sendResult } from '../reply.js';
import { requestSchema } from '../request-schema.js';
import type { RunLimit } from '../run-limit.js';

export interface ApiOptions {
  data: DashboardData;
  windowHours: number;
  /** DIGEST_TZ and RETENTION_DAYS: what a day is, and how far back history goes. */
  history: HistoryOptions;
  /** The per-client budget POST /api/runs shares with the page's POST /runs. */
  runLimit: RunLimit;
}

/*
 * The JSON API: each route validates its input against the JSON schema of the api's zod
 * schema for it (400 naming the field) and hands it to an api handler.
 */

const errorBody = { type: 'object', properties: { error: { type: 'string' }, message: { type: 'string' } } } as const;

/** The digest JSON schema, derived from the shared zod schema so the API cannot drift from it. */
const digestResponse = z.toJSONSchema(DigestSchema, { target: 'draft-7', io: 'output' });

export async function apiRoutes(app: FastifyInstance, options: ApiOptions): Promise<void> {
  const { data } = options;

  app.get<{ Querystring: z.infer<typeof TopicsQuerySchema> }>(
    '/api/topics',
    {
      schema: {
        querystring: requestSchema(TopicsQuerySchema),
        response: { 200: digestResponse, 400: errorBody, 404: errorBody },
      },
    },
    async (request, reply) =>
      sendResult(
        reply,
        request.query.day
          ? await getDayDigest(data, request.query.day, options.history, request.query.perTopic)
          : await getDigest(data, request.query, options.windowHours),
      ),
  );

  app.get<{ Querystring: z.infer<typeof TrendsQuerySchema> }>(
    '/api/trends',
    {
      schema: {
        querystring: requestSchema(TrendsQuerySchema),
      },
    },
    async (request, reply) =>
      sendResult(
        reply,
        await getTrends(data, request.query.days ?? Math.min(30, options.history.retentionDays), options.history),
      ),
  );

  app.get<{ Params: z.infer<typeof TopicLabelParamsSchema>; Querystring: Page }>(
    '/api/topics/:label/articles',
    {
      schema: {
        params: requestSchema(TopicLabelParamsSchema),
        querystring: requestSchema(PageQuerySchema),
      },
    },
    async (request, reply) => sendResult(reply, await getTopicArticles(data, request.params.label, request.query)),
  );

  app.get<{ Querystring: Page }>(
    '/api/runs',
    { schema: { querystring: requestSchema(PageQuerySchema) } },
    async (request, reply) => sendResult(reply, await listRuns(data, request.query)),
  );

  app.get<{ Params: z.infer<typeof RunIdParamsSchema> }>(
    '/api/runs/:id',
    { schema: { params: requestSchema(RunIdParamsSchema) } },
    async (request, reply) => sendResult(reply, await getRun(data, request.params.id)),
  );

  app.post<{ Body: z.infer<typeof RunRequestBodySchema> }>(
    '/api/runs',
    {
      onRequest: options.runLimit,
      schema: {
        body: requestSchema(RunRequestBodySchema),
        response: { 202: { type: 'object', properties: { runId: { type: 'string' } } } },
      },
    },
    async (request, reply) => {
      const result = await queueRunRequest(data, request.body ?? {});
      request.log.info({ runId: result.body.runId }, 'run requested');
      return sendResult(reply, result);
    },
  );
}
