import type { FastifyInstance } from 'fastify';
import type { z } from 'zod';
import { type ExplainDeps, explain } from '../../api/explain.js';
import { ArticleIdParamsSchema } from '../../api/requests.js';
import { sendResult } from '../reply.js';
import { requestSchema } from '../request-schema.js';

/** GET /api/articles/:id/explain: every label's raw and calibrated score, and what the article beat. */
export async function explainRoutes(app: FastifyInstance, options: { deps: ExplainDeps }): Promise<void> {
  app.get<{ Params: z.infer<typeof ArticleIdParamsSchema> }>(
    '/api/articles/:id/explain',
    { schema: { params: requestSchema(ArticleIdParamsSchema) } },
    async (request, reply) => sendResult(reply, await explain(request.params.id, options.deps)),
  );
}
