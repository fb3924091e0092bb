import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Digest } from '@tidings/shared';
import type { FastifyInstance } from 'fastify';
import type { DashboardData } from '../../api/dashboard-data.js';
import { getDayDigest, getTrends, type HistoryOptions, historyNav, type TrendDay } from '../../api/history.js';
import { startRun } from '../../api/runs.js';
import { type ArticleSearch, searchArticles } from '../../api/search.js';
import { subscribeLinks } from '../../api/topic-feeds.js';
import { TOPIC_ARTICLES } from '../../api/topics.js';
import { renderPage } from '../../render/page.js';
import type { SearchView } from '../../render/search.js';
import { sendResult } from '../reply.js';
import { requestBaseUrl } from '../request-base-url.js';
import type { RunLimit } from '../run-limit.js';

const ASSETS = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'assets');
const asset = (name: string) => fs.readFileSync(path.join(ASSETS, name), 'utf8');

export interface PageOptions {
  data: DashboardData;
  windowHours: number;
  base: string;
  /** The per-client budget the page's form shares with POST /api/runs. */
  runLimit: RunLimit;
  labels: string[];
  token: string | undefined;
  publicUrl: string | undefined;
  lowConfidenceScore: number;
  history: HistoryOptions;
  search: ArticleSearch;
}

/** Search results take the topics' place, so a search page does not read the day's articles. */
function noTopics(): Digest {
  return { generatedAt: new Date().toISOString(), windowHours: 1, from: null, to: null, runId: null, topics: [] };
}

/** ?q= as the page shows it: results, or the reason the query was refused (then status 400). */
async function searchView(search: ArticleSearch, q: string): Promise<{ view: SearchView; status: number }> {
  const result = await searchArticles(search, { q });
  if (result.status !== 200)
    return { view: { q, error: (result.body as { message: string }).message }, status: result.status };
  return { view: { q, results: result.body as SearchView['results'] }, status: 200 };
}

/** The server-rendered topic page, its two static files, and the form that starts a run without JavaScript. */
export async function pageRoutes(app: FastifyInstance, options: PageOptions): Promise<void> {
  const { data, base } = options;
  const styles = asset('style.css');
  const script = asset('app.js');

  app.get('/assets/style.css', async (_request, reply) => reply.type('text/css; charset=utf-8').send(styles));
  app.get('/assets/app.js', async (_request, reply) => reply.type('text/javascript; charset=utf-8').send(script));

  app.get<{ Querystring: { topic?: string; started?: string; day?: string; q?: string } }>(
    '/',
    {
      schema: {
        querystring: {
          type: 'object',
          properties: {
            topic: { type: 'string', maxLength: 64 },
            started: { type: 'string', maxLength: 200 },
            day: { type: 'string', maxLength: 10 },
            q: { type: 'string', maxLength: 2_000 },
          },
        },
      },
    },
    async (request, reply) => {
      const { day, q } = request.query;
      const search = q?.trim() ? await searchView(options.search, q) : undefined;
      const perTopic = request.query.topic ? TOPIC_ARTICLES.default : TOPIC_ARTICLES.page;
      const dayDigest = day ? await getDayDigest(data, day, options.history, perTopic) : undefined;
      if (dayDigest && dayDigest.status !== 200) return sendResult(reply, dayDigest);
      const [digest, runs, activeRuns, workers, status, trends] = await Promise.all([
        dayDigest
          ? (dayDigest.body as Digest)
          : search
            ? noTopics()
            : data.store.digest({ hours: options.windowHours, perTopic }),
        data.store.runs({ limit: 15 }),
        data.activeRuns(),
        data.liveWorkers(),
        data.status(),
        getTrends(data, Math.min(30, options.history.retentionDays), options.history),
      ]);
      const baseUrl = requestBaseUrl(request, options.publicUrl, base);
      const page = renderPage({
        digest,
        runs: runs.runs,
        activeRuns,
        liveWorkers: workers.length,
        topic: request.query.topic || undefined,
        loggedIn: request.access === 'session',
        notice: request.query.started ? `Run ${request.query.started} started.` : undefined,
        base,
        problems: status.problems,
        subscribe: subscribeLinks({ baseUrl, token: options.token, labels: options.labels }),
        lowConfidenceScore: options.lowConfidenceScore,
        history: historyNav(day, options.history),
        trends: (trends.body as { days: TrendDay[] }).days,
        search: search?.view,
      });
      return reply
        .code(search?.status ?? 200)
        .type('text/html; charset=utf-8')
        .send(page);
    },
  );

  app.post('/runs', { onRequest: options.runLimit }, async (request, reply) => {
    const { body } = await startRun(data);
    request.log.info({ runId: body.runId }, 'run requested');
    return reply.redirect(`${base}/?started=${encodeURIComponent(body.runId)}`, 303);
  });
}
