import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FeedbackStore } from '@tidings/feedback';
import type { FastifyInstance } from 'fastify';
import type { z } from 'zod';
import type { DashboardData } from '../../api/dashboard-data.js';
import { type HistoryOptions, historyNav } from '../../api/history.js';
import { type PageData, readPageData } from '../../api/page-data.js';
import { PageViewQuerySchema, TOPIC_ARTICLES } from '../../api/requests.js';
import { queueRunRequest } from '../../api/runs.js';
import { subscribeLinks } from '../../api/topic-feeds.js';
import { renderPage } from '../../render/page.js';
import type { SearchView } from '../../render/search.js';
import { type ArticleSearch, searchArticles } from '../../search/search.js';
import { sendResult } from '../reply.js';
import { requestSchema } from '../request-schema.js';
import type { RunLimit } from '../run-limit.js';
import { requestBaseUrl } from '../site.js';

const ASSETS = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'assets');
const asset = (name: string) => fs.readFileSync(path.join(ASSETS, name), 'utf8');

export interface PageOptions {
  data: DashboardData;
  windowHours: number;
  /** The per-client budget the page's form shares with POST /api/runs. */
  runLimit: RunLimit;
  labels: string[];
  token: string | undefined;
  lowConfidenceScore: number;
  history: HistoryOptions;
  search: ArticleSearch;
  /** Per-topic verdicts of readers; the page shows each label's measured accuracy. */
  feedback: Pick<FeedbackStore, 'topicStats'>;
}

const REFUSALS = {
  'reclassify-busy': 'A reclassify run is already in progress: wait for its report.',
  'reclassify-request': 'That reclassify request was refused: the period must be within RETENTION_DAYS.',
  'reclassify-apply': 'That reclassify run has no report to apply.',
} as const;

/** The line a redirect after a form asks the page to show; fixed texts, so a link cannot make the page say anything else. */
function pageNotice(query: z.infer<typeof PageViewQuerySchema>): string | undefined {
  if (query.refused) return REFUSALS[query.refused];
  if (query.applied) return `Reclassify run ${query.applied} applied.`;
  if (query.started) return `Run ${query.started} started.`;
  return undefined;
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
  const { data } = options;
  const { base, tokenSet } = app.site;
  const styles = asset('style.css');
  const script = asset('app.js');

  app.get('/assets/style.css', async (_request, reply) => reply.type('text/css; charset=utf-8').send(styles));
  app.get('/assets/app.js', async (_request, reply) => reply.type('text/javascript; charset=utf-8').send(script));

  app.get<{ Querystring: z.infer<typeof PageViewQuerySchema> }>(
    '/',
    { schema: { querystring: requestSchema(PageViewQuerySchema) } },
    async (request, reply) => {
      const { day, q } = request.query;
      const search = q?.trim() ? await searchView(options.search, q) : undefined;
      const perTopic = request.query.topic ? TOPIC_ARTICLES.default : TOPIC_ARTICLES.page;
      const read = await readPageData(data, {
        windowHours: options.windowHours,
        history: options.history,
        day,
        perTopic,
        searching: search !== undefined,
      });
      if (read.status !== 200) return sendResult(reply, read);
      const shown = read.body as PageData;
      const baseUrl = requestBaseUrl(request);
      // Accuracy is a footnote to the page: without it (Redis hiccup) the topics still show.
      const stats = await options.feedback.topicStats().catch((err) => {
        request.log.warn({ err }, 'could not read the feedback stats');
        return [];
      });
      const page = renderPage({
        digest: shown.digest,
        runs: shown.runs,
        activeRuns: shown.activeRuns,
        liveWorkers: shown.liveWorkers,
        topic: request.query.topic || undefined,
        loggedIn: request.access === 'session',
        notice: pageNotice(request.query),
        base,
        problems: shown.problems,
        subscribe: subscribeLinks({ baseUrl, token: options.token, labels: options.labels }),
        lowConfidenceScore: options.lowConfidenceScore,
        history: historyNav(day, options.history),
        trends: shown.trends,
        search: search?.view,
        classifierVersion: shown.classifierVersion,
        reclassifyReports: shown.reclassifyReports,
        operator: !tokenSet || request.access === 'session',
        retentionDays: options.history.retentionDays,
        accuracy: Object.fromEntries(
          stats.filter((t) => t.kind === 'label').map((t) => [t.topic, { examples: t.examples, accuracy: t.accuracy }]),
        ),
      });
      return reply
        .code(search?.status ?? 200)
        .type('text/html; charset=utf-8')
        .send(page);
    },
  );

  app.post('/runs', { onRequest: options.runLimit }, async (request, reply) => {
    const { body } = await queueRunRequest(data);
    request.log.info({ runId: body.runId }, 'run requested');
    return reply.redirect(`${base}/?started=${encodeURIComponent(body.runId)}`, 303);
  });
}
