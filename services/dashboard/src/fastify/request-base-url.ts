import type { FastifyRequest } from 'fastify';

/**
 * The absolute address links should use: DASHBOARD_PUBLIC_URL when set, else the address this
 * request came to. The guard has already refused any Host that is not an allowed name, so a
 * rebinding page cannot make the dashboard hand out links to itself.
 */
export function requestBaseUrl(request: FastifyRequest, publicUrl: string | undefined, base: string): string {
  if (publicUrl) return new URL(publicUrl.endsWith('/') ? publicUrl : `${publicUrl}/`).toString();
  return `${request.protocol}://${request.headers.host}${base}/`;
}
