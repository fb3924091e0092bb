import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { SubscriptionIdParamsSchema } from '../../api/requests.js';
import {
  createSubscription,
  deleteSubscription,
  listSubscriptions,
  rotateSubscriptionKey,
  rotateWebhookSecret,
  type SubscriptionsApiDeps,
  subscriberDetailsNeedToken,
  updateSubscription,
  webhookChangeNeedsToken,
} from '../../api/subscriptions-api.js';
import { renderSubscribed } from '../../render/subscribe.js';
import { sendResult } from '../reply.js';
import { requestSchema } from '../request-schema.js';
import { requestBaseUrl } from '../site.js';
import type { SubscriptionLimit } from '../subscription-limit.js';

const idParam = requestSchema(SubscriptionIdParamsSchema);

/** Managing subscriptions: the JSON API, and the page's form (which works without JavaScript). */
export async function subscriptionRoutes(
  app: FastifyInstance,
  options: {
    deps: Omit<SubscriptionsApiDeps, 'baseUrl' | 'client'>;
    subscriptionLimit: SubscriptionLimit;
  },
): Promise<void> {
  const { subscriptionLimit } = options;
  const { base, tokenSet } = app.site;
  const depsFor = (request: FastifyRequest): SubscriptionsApiDeps => ({
    ...options.deps,
    baseUrl: requestBaseUrl(request),
    client: request.ip,
  });
  const needsToken = async (_request: FastifyRequest, reply: FastifyReply) =>
    tokenSet ? undefined : sendResult(reply, subscriberDetailsNeedToken);

  app.get('/api/subscriptions', { onRequest: needsToken }, async (request, reply) =>
    sendResult(reply, await listSubscriptions(depsFor(request))),
  );
  app.post('/api/subscriptions', { onRequest: subscriptionLimit }, async (request, reply) =>
    sendResult(reply, await createSubscription(request.body, depsFor(request))),
  );
  const webhookNeedsToken = async (request: FastifyRequest, reply: FastifyReply) => {
    const body = request.body as { webhookUrl?: unknown } | undefined;
    if (!tokenSet && body?.webhookUrl !== undefined) return sendResult(reply, webhookChangeNeedsToken);
  };
  app.patch<{ Params: { id: string } }>(
    '/api/subscriptions/:id',
    { onRequest: subscriptionLimit, preHandler: webhookNeedsToken, schema: { params: idParam } },
    async (request, reply) =>
      sendResult(reply, await updateSubscription(request.params.id, request.body, depsFor(request))),
  );
  app.delete<{ Params: { id: string } }>(
    '/api/subscriptions/:id',
    { schema: { params: idParam } },
    async (request, reply) => sendResult(reply, await deleteSubscription(request.params.id, depsFor(request))),
  );
  app.post<{ Params: { id: string } }>(
    '/api/subscriptions/:id/rotate-key',
    { onRequest: needsToken, schema: { params: idParam } },
    async (request, reply) => sendResult(reply, await rotateSubscriptionKey(request.params.id, depsFor(request))),
  );
  app.post<{ Params: { id: string } }>(
    '/api/subscriptions/:id/rotate-webhook-secret',
    { onRequest: needsToken, schema: { params: idParam } },
    async (request, reply) => sendResult(reply, await rotateWebhookSecret(request.params.id, depsFor(request))),
  );

  // The page's form posts urlencoded fields; one checkbox per topic arrives as a string or a list.
  app.post<{ Body: Record<string, string | string[] | undefined> }>(
    '/subscriptions',
    { onRequest: subscriptionLimit },
    async (request, reply) => {
      const form = request.body ?? {};
      const text = (name: string) => {
        const value = form[name];
        const one = Array.isArray(value) ? value[0] : value;
        return one?.trim() ? one.trim() : undefined;
      };
      const topics = form.topics === undefined ? [] : Array.isArray(form.topics) ? form.topics : [form.topics];
      // One own topic a line; blank lines are not topics.
      const ownTopics = (text('ownTopics') ?? '')
        .split(/\r?\n/)
        .map((t) => t.trim())
        .filter(Boolean);
      const result = await createSubscription(
        {
          name: text('name'),
          topics,
          ownTopics,
          ...(text('email') ? { email: text('email') } : {}),
          ...(text('webhookUrl') ? { webhookUrl: text('webhookUrl') } : {}),
        },
        depsFor(request),
      );
      return reply
        .headers(result.headers ?? {})
        .code(result.status)
        .type('text/html; charset=utf-8')
        .send(renderSubscribed(result, base));
    },
  );
}
