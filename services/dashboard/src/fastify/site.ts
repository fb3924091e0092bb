import type { FastifyRequest } from 'fastify';

/**
 * Where the dashboard is served, the one settings slice every route shares: decorated once on
 * the app as `site` (Fastify's way of sharing a value), read by each route, never threaded
 * through route options.
 */
export interface DashboardSite {
  /** Path prefix of every link (DASHBOARD_PUBLIC_URL's path behind a proxy), '' by default. */
  base: string;
  /** DASHBOARD_PUBLIC_URL, when set: absolute links in feeds, digests and OPML are made from it. */
  publicUrl: string | undefined;
  /** DASHBOARD_TOKEN is set: reading subscribers' details and operator actions need it. */
  tokenSet: boolean;
}

declare module 'fastify' {
  interface FastifyInstance {
    site: DashboardSite;
  }
}

/**
 * The absolute address links should use: DASHBOARD_PUBLIC_URL when set, else the address this
 * request came to. The guard has already refused any Host that is not an allowed name, so a
 * rebinding page cannot make the dashboard hand out links to itself.
 */
export function requestBaseUrl(request: FastifyRequest): string {
  const { publicUrl, base } = request.server.site;
  if (publicUrl) return new URL(publicUrl.endsWith('/') ? publicUrl : `${publicUrl}/`).toString();
  return `${request.protocol}://${request.headers.host}${base}/`;
}
