import type { FastifyReply, FastifyRequest } from 'fastify';
import { refuse } from '../api/result.js';
import type { OriginPolicy } from '../origins/origins.js';
import type { AttemptLimiter } from '../sessions/attempt-limiter.js';
import type { SessionStore } from '../sessions/sessions.js';
import { tokenMatches } from '../sessions/token.js';
import { sendResult } from './reply.js';

export const SESSION_COOKIE = 'tidings_session';

declare module 'fastify' {
  interface FastifyRequest {
    /** How the request may use the dashboard: no token is configured, a Bearer token, a login session. */
    access: 'open' | 'bearer' | 'session' | undefined;
  }
}

export interface GuardOptions {
  origins: OriginPolicy;
  /** With a token, sessions is set too. */
  auth: { token: string; sessions: SessionStore } | undefined;
  attempts: AttemptLimiter;
  /** Path prefix of links (DASHBOARD_PUBLIC_URL's path), '' by default. */
  base: string;
}

/**
 * Routes anyone who reaches the dashboard may use: the health check for load balancers, the
 * login form and logging out, static files that hold no data, and feeds and unsubscribe
 * links, which carry their own key. Matched on the route that
 * Fastify chose, not on the raw URL, so no spelling of a path slips through.
 */
const PUBLIC_ROUTES = new Set([
  '/healthz',
  '/login',
  '/logout',
  '/assets/style.css',
  '/assets/app.js',
  '/queues/static/*',
  // Opened by their own key, checked by the route: feed readers and mail clients send no token.
  '/feeds/:file',
  '/feeds.opml',
  '/feeds/s/:file',
  '/unsubscribe/:key',
  '/s/:key',
  '/s/:key/preview',
  // Votes by feed key, and a feed or digest link's vote, signed for its subscriber (routes/feedback.ts).
  '/s/:key/feedback',
  '/feedback/confirm',
]);
const READS = new Set(['GET', 'HEAD']);

/**
 * The dashboard's one gate, run on every request before its route (and before any rate
 * limit counts it): the host name (421), the origin of a write (403), then the token (401).
 * Without a token (possible on loopback only) reads and the dashboard's own writes are open,
 * but Bull Board's actions are not.
 */
export function guard(options: GuardOptions) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const badHost = options.origins.checkHost(request.headers.host);
    if (badHost) return sendResult(reply, badHost);
    const write = !READS.has(request.method);
    if (write) {
      const crossOrigin = options.origins.checkWrite({
        origin: request.headers.origin,
        secFetchSite: single(request.headers['sec-fetch-site']),
        localPort: request.socket.localPort ?? 0,
      });
      if (crossOrigin) return sendResult(reply, crossOrigin);
    }
    const route = request.routeOptions.url ?? '';
    if (!options.auth) {
      if (write && route.startsWith('/queues')) {
        return sendResult(
          reply,
          refuse(
            403,
            'TIDINGS_DASHBOARD_READ_ONLY',
            'Bull Board is read-only without DASHBOARD_TOKEN; set one to retry, clean or add jobs',
          ),
        );
      }
      request.access = 'open';
      return;
    }
    if (PUBLIC_ROUTES.has(route)) return;
    const access = await authenticate(request, options.auth, options.attempts);
    if (access === 'blocked') {
      return sendResult(
        reply,
        refuse(429, 'TIDINGS_DASHBOARD_TOO_MANY_ATTEMPTS', 'too many wrong tokens from this client; wait a minute'),
      );
    }
    if (access) {
      request.access = access;
      return;
    }
    const wantsPage = !write && (request.headers.accept ?? '').includes('text/html') && !route.startsWith('/api/');
    if (wantsPage) return reply.redirect(`${options.base}/login?next=${encodeURIComponent(request.url)}`);
    return sendResult(
      reply.header('www-authenticate', 'Bearer realm="tidings"'),
      refuse(
        401,
        'TIDINGS_DASHBOARD_UNAUTHORIZED',
        'a dashboard token is required: Authorization: Bearer <DASHBOARD_TOKEN>',
      ),
    );
  };
}

/** A Bearer header is checked (and a wrong one counted against the client), else the session cookie. */
async function authenticate(
  request: FastifyRequest,
  auth: { token: string; sessions: SessionStore },
  attempts: AttemptLimiter,
): Promise<'bearer' | 'session' | 'blocked' | undefined> {
  const header = request.headers.authorization;
  if (header?.startsWith('Bearer ')) {
    if (await attempts.isBlocked(request.ip)) return 'blocked';
    if (tokenMatches(header.slice(7).trim(), auth.token)) return 'bearer';
    await attempts.recordFailure(request.ip);
    return undefined;
  }
  const session = request.cookies[SESSION_COOKIE];
  return session && (await auth.sessions.isValid(session)) ? 'session' : undefined;
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
