import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { requestRun } from '@tidings/contracts';
import type { FastifyInstance } from 'fastify';
import { type AccessPolicy, isAuthenticated, SESSION_COOKIE, sessionValue } from '../auth.js';
import type { DashboardData } from '../dashboard-data.js';
import { renderLogin, renderPage } from '../render-page.js';

const ASSETS = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'assets');
const asset = (name: string) => fs.readFileSync(path.join(ASSETS, name), 'utf8');

export interface PageOptions {
  data: DashboardData;
  policy: AccessPolicy;
  windowHours: number;
  secureCookie: boolean;
}

/** A local path to return to after logging in; anything else goes to the front page. */
function localPath(next: unknown): string {
  return typeof next === 'string' && next.startsWith('/') && !next.startsWith('//') ? next : '/';
}

export async function pageRoutes(app: FastifyInstance, options: PageOptions): Promise<void> {
  const { data, policy } = options;
  const styles = asset('style.css');
  const script = asset('app.js');

  app.get('/assets/style.css', async (_request, reply) => reply.type('text/css; charset=utf-8').send(styles));
  app.get('/assets/app.js', async (_request, reply) => reply.type('text/javascript; charset=utf-8').send(script));

  app.get<{ Querystring: { topic?: string; started?: string } }>(
    '/',
    {
      schema: {
        querystring: {
          type: 'object',
          properties: { topic: { type: 'string', maxLength: 64 }, started: { type: 'string', maxLength: 200 } },
        },
      },
    },
    async (request, reply) => {
      const [digest, runs, activeRuns, workers] = await Promise.all([
        data.store.digest({ hours: options.windowHours }),
        data.store.runs({ limit: 15 }),
        data.activeRuns(),
        data.liveWorkers(),
      ]);
      const page = renderPage({
        digest,
        runs: runs.runs,
        activeRuns,
        liveWorkers: workers.length,
        topic: request.query.topic || undefined,
        canStartRun: !policy.token || isAuthenticated(request, policy),
        notice: request.query.started ? `Run ${request.query.started} started.` : undefined,
      });
      return reply.type('text/html; charset=utf-8').send(page);
    },
  );

  app.post('/runs', async (_request, reply) => {
    const runId = await requestRun(data.queues.feeds);
    return reply.redirect(`/?started=${encodeURIComponent(runId)}`, 303);
  });

  app.get<{ Querystring: { next?: string } }>('/login', async (request, reply) =>
    reply.type('text/html; charset=utf-8').send(renderLogin({ next: localPath(request.query.next), failed: false })),
  );

  app.post<{ Body: { token?: string; next?: string } }>(
    '/login',
    { config: { rateLimit: { max: 10, timeWindow: '1 minute' } } },
    async (request, reply) => {
      const next = localPath(request.body?.next);
      if (!policy.token || request.body?.token !== policy.token) {
        return reply
          .code(401)
          .type('text/html; charset=utf-8')
          .send(renderLogin({ next, failed: Boolean(policy.token) }));
      }
      reply.setCookie(SESSION_COOKIE, sessionValue(policy.token), {
        httpOnly: true,
        sameSite: 'strict',
        secure: options.secureCookie,
        path: '/',
        maxAge: 7 * 86_400,
      });
      return reply.redirect(next, 303);
    },
  );

  app.post('/logout', async (_request, reply) => {
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return reply.redirect('/', 303);
  });
}
