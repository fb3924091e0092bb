import type { FastifyInstance } from 'fastify';
import type { z } from 'zod';
import { type ArticleSearch, searchArticles } from '../../search/search.js';
import { SearchQuerySchema } from '../../search/search-query.js';
import { sendResult } from '../reply.js';
import { requestFields } from '../request-schema.js';

export interface SearchRouteOptions {
  search: ArticleSearch;
}

/**
 * GET /api/search?q=: the handler checks the query against SearchQuerySchema and answers a
 * clear 400; the route's schema has the same fields and types (unknown ones are refused).
 */
export async function searchRoutes(app: FastifyInstance, options: SearchRouteOptions): Promise<void> {
  app.get<{ Querystring: Partial<z.input<typeof SearchQuerySchema>> }>(
    '/api/search',
    { schema: { querystring: requestFields(SearchQuerySchema) } },
    async (request, reply) => sendResult(reply, await searchArticles(options.search, request.query)),
  );
}
