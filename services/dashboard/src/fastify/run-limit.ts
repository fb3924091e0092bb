import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { refuse } from '../api/result.js';
import { sendResult } from './reply.js';

export type RunLimit = (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>;

/**
 * One per-client budget for starting runs, shared by the page's form (POST /runs) and the
 * API (POST /api/runs): each run fetches every feed, so either way in must be limited.
 */
export function runLimit(app: Pick<FastifyInstance, 'createRateLimit'>, perMinute: number): RunLimit {
  const check = app.createRateLimit({ max: perMinute, timeWindow: 60_000 });
  return async (request, reply) => {
    const result = await check(request);
    if (result.isAllowed || !result.isExceeded) return undefined;
    return sendResult(
      reply.header('retry-after', String(result.ttlInSeconds)),
      refuse(
        429,
        'TIDINGS_DASHBOARD_TOO_MANY_RUNS',
        `at most ${perMinute} runs a minute per client; try again in ${result.ttlInSeconds} s`,
      ),
    );
  };
}
