import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { refuse } from '../api/result.js';
import { sendResult } from './reply.js';

export type SubscriptionLimit = (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>;

/**
 * One per-client budget for creating and changing subscriptions, the API's and the page's
 * form's together: each change rewrites the own-topic registry and may queue a backfill, so
 * a client looping on them would spend the Redis and classifier time everyone shares.
 */
export function subscriptionLimit(app: Pick<FastifyInstance, 'createRateLimit'>, perMinute: number): SubscriptionLimit {
  const check = app.createRateLimit({ max: perMinute, timeWindow: 60_000 });
  return async (request, reply) => {
    const result = await check(request);
    if (result.isAllowed || !result.isExceeded) return undefined;
    return sendResult(reply, {
      ...refuse(
        429,
        'TIDINGS_DASHBOARD_TOO_MANY_SUBSCRIPTION_CHANGES',
        `at most ${perMinute} subscription changes a minute per client; try again in ${result.ttlInSeconds} s`,
      ),
      headers: { 'retry-after': String(result.ttlInSeconds) },
    });
  };
}
