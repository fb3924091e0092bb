/**
 * What an api handler answers, independent of any web framework: an HTTP status and a JSON
 * body. The Fastify layer only copies it onto the reply.
 */
export interface ApiResult<T = unknown> {
  status: number;
  body: T;
  /** Headers the answer needs beyond its body's type, e.g. Retry-After on a 429. */
  headers?: Record<string, string>;
}

/** Every refusal names a stable code (what clients and tests match on) and says what to do. */
export interface ErrorBody {
  error: string;
  message: string;
}

export function refuse(status: number, error: string, message: string): ApiResult<ErrorBody> {
  return { status, body: { error, message } };
}
