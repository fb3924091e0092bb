import type { FastifyReply } from 'fastify';
import type { ApiResult } from '../api/result.js';

/** The one place an api result becomes an HTTP answer. */
export function sendResult(reply: FastifyReply, result: ApiResult): FastifyReply {
  return reply.code(result.status).send(result.body);
}
