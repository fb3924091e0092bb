import type { FastifyInstance } from 'fastify';
import type { z } from 'zod';
import { type OwnTopicPreviewDeps, previewOwnTopic } from '../../api/own-topic-preview.js';
import { FeedKeyParamsSchema, OwnTopicPreviewBodySchema } from '../../api/requests.js';
import { sendResult } from '../reply.js';
import { requestSchema } from '../request-schema.js';

/**
 * Previews of an own topic before it is saved: from the subscribe form (a dashboard client,
 * behind the token when one is set) and from a subscriber's page (opened by their feed key,
 * like the page itself). Writes in the guard's sense: a foreign or null Origin is refused.
 */
export async function ownTopicPreviewRoutes(app: FastifyInstance, options: { deps: OwnTopicPreviewDeps }) {
  const body = requestSchema(OwnTopicPreviewBodySchema);
  app.post('/api/own-topics/preview', { schema: { body } }, async (request, reply) =>
    sendResult(reply, await previewOwnTopic(request.body, { client: request.ip }, options.deps)),
  );
  app.post<{ Params: z.infer<typeof FeedKeyParamsSchema> }>(
    '/s/:key/preview',
    { schema: { body, params: requestSchema(FeedKeyParamsSchema) } },
    async (request, reply) =>
      sendResult(reply, await previewOwnTopic(request.body, { feedKey: request.params.key }, options.deps)),
  );
}
