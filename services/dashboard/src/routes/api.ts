import { type Digest, DigestSchema, readRunProgress, requestRun } from '@tidings/contracts';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { DashboardData } from '../dashboard-data.js';

export interface ApiOptions {
  data: DashboardData;
  windowHours: number;
  /** POST /api/runs per client per minute. */
  runsPerMinute: number;
}

const runIdParam = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', maxLength: 200 } },
} as const;
const page = {
  offset: { type: 'integer', minimum: 0, default: 0 },
  limit: { type: 'integer', minimum: 1, maximum: 200, default: 20 },
} as const;
const errorBody = { type: 'object', properties: { error: { type: 'string' }, message: { type: 'string' } } } as const;

/** The digest JSON schema, derived from the shared zod schema so the API cannot drift from it. */
const digestResponse = z.toJSONSchema(DigestSchema, { target: 'draft-7', io: 'output' });

export async function apiRoutes(app: FastifyInstance, options: ApiOptions): Promise<void> {
  const { data } = options;

  app.get<{ Querystring: { run?: string; hours?: number } }>(
    '/api/topics',
    {
      schema: {
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            run: { type: 'string', maxLength: 200 },
            hours: { type: 'number', exclusiveMinimum: 0, maximum: 24 * 365 },
          },
        },
        response: { 200: digestResponse, 404: errorBody },
      },
    },
    async (request, reply) => {
      const { run: runId, hours } = request.query;
      if (runId) {
        const run = await data.store.run(runId);
        if (!run) return reply.code(404).send({ error: 'Not Found', message: `no run '${runId}'` });
        const digest: Digest = {
          generatedAt: new Date().toISOString(),
          windowHours: hours ?? options.windowHours,
          from: null,
          to: null,
          runId: run.id,
          topics: run.topics,
        };
        return digest;
      }
      return data.store.digest({ hours: hours ?? options.windowHours });
    },
  );

  app.get<{ Params: { label: string }; Querystring: { offset: number; limit: number } }>(
    '/api/topics/:label/articles',
    {
      schema: {
        params: { type: 'object', required: ['label'], properties: { label: { type: 'string', maxLength: 64 } } },
        querystring: { type: 'object', additionalProperties: false, properties: page },
      },
    },
    async (request, reply) => {
      const labels = await data.store.labels();
      if (!labels.includes(request.params.label)) {
        return reply
          .code(404)
          .send({ error: 'Not Found', message: `no topic '${request.params.label}'; known: ${labels.join(', ')}` });
      }
      return data.store.topicArticles(request.params.label, request.query);
    },
  );

  app.get<{ Querystring: { offset: number; limit: number } }>(
    '/api/runs',
    { schema: { querystring: { type: 'object', additionalProperties: false, properties: page } } },
    async (request) => {
      const [stored, active] = await Promise.all([data.store.runs(request.query), data.activeRuns()]);
      return { ...stored, active };
    },
  );

  app.get<{ Params: { id: string } }>('/api/runs/:id', { schema: { params: runIdParam } }, async (request, reply) => {
    const run = await data.store.run(request.params.id);
    if (run) return run;
    const active = await readRunProgress(data.queues.aggregate, request.params.id);
    if (active) return reply.code(202).send({ id: active.runId, status: 'running', progress: active });
    return reply.code(404).send({ error: 'Not Found', message: `no run '${request.params.id}'` });
  });

  app.post<{ Body: { feeds?: string[]; reclassify?: boolean } }>(
    '/api/runs',
    {
      config: { rateLimit: { max: options.runsPerMinute, timeWindow: '1 minute' } },
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
      const runId = await requestRun(data.queues.feeds, request.body ?? {});
      request.log.info({ runId }, 'run requested');
      return reply.code(202).send({ runId });
    },
  );
}
