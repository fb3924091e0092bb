import type { FastifyInstance } from 'fastify';
import { type ArticleSearch, searchArticles } from '../../api/search.js';
import { sendResult } from '../reply.js';

export interface SearchRouteOptions {
  search: ArticleSearch;
}

/**
 * GET /api/search?q=: the handler checks the query and answers a clear 400, so the schema
 * only keeps absurd input (a megabyte of query) away from it.
 */
export async function searchRoutes(app: FastifyInstance, options: SearchRouteOptions): Promise<void> {
  app.get<{ Querystring: { q?: string; limit?: number; offset?: number } }>(
    '/api/search',
    {
      schema: {
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            q: { type: 'string', maxLength: 2_000 },
            limit: { type: 'integer' },
            offset: { type: 'integer' },
          },
        },
      },
    },
    async (request, reply) => sendResult(reply, await searchArticles(options.search, request.query)),
  );
}
