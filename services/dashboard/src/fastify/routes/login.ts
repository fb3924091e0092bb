import type { FastifyInstance } from 'fastify';
import { localPath } from '../../api/next-path.js';
import { renderLogin } from '../../render/page.js';
import type { AttemptLimiter } from '../../sessions/attempt-limiter.js';
import { FAILED_ATTEMPTS_PER_MINUTE } from '../../sessions/attempt-limiter.js';
import { SESSION_TTL_SECONDS, type SessionStore } from '../../sessions/sessions.js';
import { tokenMatches } from '../../sessions/token.js';
import { SESSION_COOKIE } from '../guard.js';

export interface LoginOptions {
  /** Unset: no token is configured and there is nothing to log in to. */
  auth: { token: string; sessions: SessionStore } | undefined;
  attempts: AttemptLimiter;
}

/** The login form (a token becomes a server-side session) and logging out (the session is deleted). */
export async function loginRoutes(app: FastifyInstance, options: LoginOptions): Promise<void> {
  const { auth, attempts } = options;
  const { base, publicUrl } = app.site;
  // A public https address: the cookie is Secure even when the proxy speaks plain HTTP to us.
  const publicHttps = publicUrl?.startsWith('https:') ?? false;
  const page = (next: string, problem?: string) => renderLogin({ next, problem, base });

  app.get<{ Querystring: { next?: string } }>('/login', async (request, reply) =>
    reply.type('text/html; charset=utf-8').send(page(localPath(request.query.next))),
  );

  app.post<{ Body: { token?: string; next?: string } }>(
    '/login',
    { config: { rateLimit: { max: FAILED_ATTEMPTS_PER_MINUTE, timeWindow: '1 minute' } } },
    async (request, reply) => {
      const next = localPath(request.body?.next);
      const html = reply.type('text/html; charset=utf-8');
      if (!auth) return html.code(401).send(page(next, 'No DASHBOARD_TOKEN is set, so there is nothing to log in to.'));
      if (await attempts.isBlocked(request.ip))
        return html.code(429).send(page(next, 'Too many wrong tokens from here; wait a minute.'));
      if (!tokenMatches(String(request.body?.token ?? ''), auth.token)) {
        await attempts.recordFailure(request.ip);
        return html.code(401).send(page(next, 'That token is not right.'));
      }
      reply.setCookie(SESSION_COOKIE, await auth.sessions.create(), {
        httpOnly: true,
        sameSite: 'strict',
        secure: publicHttps || request.protocol === 'https',
        path: base || '/',
        maxAge: SESSION_TTL_SECONDS,
      });
      return reply.redirect(`${base}${next}`, 303);
    },
  );

  app.post('/logout', async (request, reply) => {
    const session = request.cookies[SESSION_COOKIE];
    if (auth && session) await auth.sessions.revoke(session);
    reply.clearCookie(SESSION_COOKIE, { path: base || '/' });
    return reply.redirect(`${base}${auth ? '/login' : '/'}`, 303);
  });
}
