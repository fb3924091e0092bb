import type { FastifyReply } from 'fastify';
import type { ApiResult } from '../api/result.js';

/** The one place an api result becomes an HTTP answer. */
export function sendResult(reply: FastifyReply, result: ApiResult): FastifyReply {
  if (result.headers) reply.headers(result.headers);
  return reply.code(result.status).send(result.body);
}
