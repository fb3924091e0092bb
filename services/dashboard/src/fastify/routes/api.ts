import { DigestSchema } from '@tidings/shared';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { DashboardData } from '../../api/dashboard-data.js';
import { getDayDigest, getTrends, type HistoryOptions } from '../../api/history.js';
import { getRun, listRuns, startRun } from '../../api/runs.js';
import { getDigest, getTopicArticles, MAX_HOURS, PAGE, TOPIC_ARTICLES } from '../../api/topics.js';
import { sendResult } from '../reply.js';
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
 * The JSON API: each route validates its input against a JSON schema (400 naming the field)
 * and hands it to an api handler. Every number has a ceiling, so "1e20" or "Infinity" is a
 * 400 here and never a Redis error.
 */

const runIdParam = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', maxLength: 200 } },
} as const;
const page = {
  offset: { type: 'integer', minimum: 0, maximum: PAGE.maxOffset, default: 0 },
  limit: { type: 'integer', minimum: 1, maximum: PAGE.maxLimit, default: PAGE.defaultLimit },
} as const;
const errorBody = { type: 'object', properties: { error: { type: 'string' }, message: { type: 'string' } } } as const;

/** The digest JSON schema, derived from the shared zod schema so the API cannot drift from it. */
const digestResponse = z.toJSONSchema(DigestSchema, { target: 'draft-7', io: 'output' });

export async function apiRoutes(app: FastifyInstance, options: ApiOptions): Promise<void> {
  const { data } = options;

  app.get<{ Querystring: { run?: string; hours?: number; day?: string; perTopic?: number } }>(
    '/api/topics',
    {
      schema: {
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            run: { type: 'string', maxLength: 200 },
            hours: { type: 'number', exclusiveMinimum: 0, maximum: MAX_HOURS },
            day: { type: 'string', maxLength: 10 },
            perTopic: { type: 'integer', minimum: 1, maximum: TOPIC_ARTICLES.max },
          },
        },
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

  app.get<{ Querystring: { days?: number } }>(
    '/api/trends',
    {
      schema: {
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { days: { type: 'integer', minimum: 1, maximum: 3650 } },
        },
      },
    },
    async (request, reply) =>
      sendResult(
        reply,
        await getTrends(data, request.query.days ?? Math.min(30, options.history.retentionDays), options.history),
      ),
  );

  app.get<{ Params: { label: string }; Querystring: { offset: number; limit: number } }>(
    '/api/topics/:label/articles',
    {
      schema: {
        params: { type: 'object', required: ['label'], properties: { label: { type: 'string', maxLength: 64 } } },
        querystring: { type: 'object', additionalProperties: false, properties: page },
      },
    },
    async (request, reply) => sendResult(reply, await getTopicArticles(data, request.params.label, request.query)),
  );

  app.get<{ Querystring: { offset: number; limit: number } }>(
    '/api/runs',
    { schema: { querystring: { type: 'object', additionalProperties: false, properties: page } } },
    async (request, reply) => sendResult(reply, await listRuns(data, request.query)),
  );

  app.get<{ Params: { id: string } }>('/api/runs/:id', { schema: { params: runIdParam } }, async (request, reply) =>
    sendResult(reply, await getRun(data, request.params.id)),
  );

  app.post<{ Body: { feeds?: string[]; reclassify?: boolean } }>(
    '/api/runs',
    {
      onRequest: options.runLimit,
      schema: {
        body: {
          type: 'object',
          additionalProperties: false,
          properties: {
            feeds: {
              type: 'array',
              minItems: 1,
              maxItems: 20,
              items: { type: 'string', pattern: '^https?://[^\\s]+$', maxLength: 2048 },
            },
            reclassify: { type: 'boolean' },
          },
        },
        response: { 202: { type: 'object', properties: { runId: { type: 'string' } } } },
      },
    },
    async (request, reply) => {
      const result = await startRun(data, request.body ?? {});
      request.log.info({ runId: result.body.runId }, 'run requested');
      return sendResult(reply, result);
    },
  );
}
