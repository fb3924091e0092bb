import { createHash, timingSafeEqual } from 'node:crypto';
import { TidingsError } from '@tidings/contracts';
import type { FastifyReply, FastifyRequest } from 'fastify';

export const SESSION_COOKIE = 'tidings_session';

export class DashboardTokenRequiredError extends TidingsError {
  constructor(host: string) {
    super(
      'TIDINGS_DASHBOARD_TOKEN_REQUIRED',
      `DASHBOARD_TOKEN: required when DASHBOARD_HOST is not loopback (it is '${host}'); set a token of at least 16 characters, or bind to 127.0.0.1`,
    );
  }
}

export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127\.\d+\.\d+\.\d+$/.test(h);
}

/** The cookie holds a digest of the token, never the token itself. */
export function sessionValue(token: string): string {
  return createHash('sha256').update(`tidings-session:${token}`).digest('hex');
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export interface AccessPolicy {
  token: string | undefined;
  /** Reads are open (loopback without a token, or loopback with a token for GETs). */
  openReads: boolean;
}

export function accessPolicy(host: string, token: string | undefined): AccessPolicy {
  if (!isLoopbackHost(host) && !token) throw new DashboardTokenRequiredError(host);
  return { token, openReads: isLoopbackHost(host) };
}

export function isAuthenticated(request: FastifyRequest, policy: AccessPolicy): boolean {
  if (!policy.token) return true;
  const header = request.headers.authorization;
  if (header?.startsWith('Bearer ') && safeEqual(header.slice(7).trim(), policy.token)) return true;
  const cookie = request.cookies?.[SESSION_COOKIE];
  return typeof cookie === 'string' && safeEqual(cookie, sessionValue(policy.token));
}

const PUBLIC = new Set(['/healthz', '/login', '/assets/style.css']);
const READ_METHODS = new Set(['GET', 'HEAD']);

/**
 * Who may do what: /healthz and the login page are open; with a token set, every write
 * (POST and Bull Board's retry/clean/remove) needs it; off loopback, every read needs it too.
 * Writes also need a same-origin request, so another site cannot post a form to a loopback dashboard.
 */
export function authorize(policy: AccessPolicy) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const path = request.url.split('?')[0] ?? '/';
    if (PUBLIC.has(path)) return;
    const write = !READ_METHODS.has(request.method);
    if (write) {
      const origin = request.headers.origin;
      if (origin && origin !== 'null') {
        let sameOrigin = false;
        try {
          sameOrigin = new URL(origin).host === request.headers.host;
        } catch {}
        if (!sameOrigin)
          return reply.code(403).send({ error: 'Forbidden', message: 'cross-origin requests cannot change anything' });
      }
    }
    if (!write && policy.openReads) return;
    if (isAuthenticated(request, policy)) return;
    const wantsHtml = !write && (request.headers.accept ?? '').includes('text/html') && !path.startsWith('/api/');
    if (wantsHtml) return reply.redirect(`/login?next=${encodeURIComponent(request.url)}`);
    return reply.code(401).header('www-authenticate', 'Bearer realm="tidings"').send({
      error: 'Unauthorized',
      message: 'a dashboard token is required: Authorization: Bearer <DASHBOARD_TOKEN>',
    });
  };
}
