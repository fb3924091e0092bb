import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ApiResult } from '../api/result.js';
import { refuse } from '../api/result.js';

export interface FeedbackLimits {
  /** Votes one client (address) may send a minute, every way in together. */
  perClient: number;
  /** Votes one reader (a feed key, or the operator) may send a minute, from any address. */
  perReader: number;
}

export type FeedbackLimit = (request: FastifyRequest, reader: string) => Promise<ApiResult | undefined>;

/**
 * Two budgets for votes: per client, so one address cannot flood the store under many
 * readers, and per reader, so one feed key cannot be used from many addresses at once. A vote
 * past either is 429 with Retry-After, and is not recorded.
 */
export function feedbackLimit(app: Pick<FastifyInstance, 'createRateLimit'>, limits: FeedbackLimits): FeedbackLimit {
  const readerOf = new WeakMap<FastifyRequest, string>();
  const perClient = app.createRateLimit({ max: limits.perClient, timeWindow: 60_000 });
  const perReader = app.createRateLimit({
    max: limits.perReader,
    timeWindow: 60_000,
    keyGenerator: (request) => `reader:${readerOf.get(request) ?? request.ip}`,
  });
  const tooMany = (what: string, max: number, ttl: number): ApiResult => ({
    ...refuse(
      429,
      'TIDINGS_DASHBOARD_TOO_MANY_VOTES',
      `at most ${max} votes a minute per ${what}; try again in ${ttl} s`,
    ),
    headers: { 'retry-after': String(ttl) },
  });
  return async (request, reader) => {
    const client = await perClient(request);
    if (!client.isAllowed && client.isExceeded) return tooMany('client', limits.perClient, client.ttlInSeconds);
    readerOf.set(request, reader);
    const own = await perReader(request);
    if (!own.isAllowed && own.isExceeded) return tooMany('reader', limits.perReader, own.ttlInSeconds);
    return undefined;
  };
}
