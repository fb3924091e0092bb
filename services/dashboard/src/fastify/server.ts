import fastifyCookie from '@fastify/cookie';
import fastifyFormbody from '@fastify/formbody';
import fastifyHelmet from '@fastify/helmet';
import fastifyRateLimit from '@fastify/rate-limit';
import { CalibrationStore, FeedbackStore } from '@tidings/feedback';
import { queueBackfills } from '@tidings/run-requests';
import { assertPublicUrl, createRedis, type Logger } from '@tidings/runtime';
import {
  type Config,
  keySpaceOf,
  QUEUE,
  QUEUE_NAMES,
  type QueueName,
  queuePrefix,
  redactSecretUrl,
  wellFormedJson,
} from '@tidings/shared';
import { SubscriptionStore } from '@tidings/subscriptions';
import { OwnTopicMatches, ReclassifyReports, TopicStoreReader, TopicStoreWriter } from '@tidings/topic-store';
import { Queue, QueueEvents } from 'bullmq';
import Fastify, { type FastifyError } from 'fastify';
import { DashboardData } from '../api/dashboard-data.js';
import { OwnTopicQuota } from '../api/own-topic-quota.js';
import { PreviewLock } from '../api/preview-lock.js';
import type { ReclassifyDeps } from '../api/reclassify.js';
import { RunEvents } from '../api/run-events.js';
import { DashboardTokenRequiredError } from '../errors/dashboard-token-required-error.js';
import { createMetrics } from '../metrics/metrics.js';
import { isLoopbackHost, OriginPolicy } from '../origins/origins.js';
import { ArticleSearch } from '../search/search.js';
import { AttemptLimiter } from '../sessions/attempt-limiter.js';
import { SessionStore } from '../sessions/sessions.js';
import { bullBoard } from './bull-board.js';
import { feedbackLimit } from './feedback-limit.js';
import { guard } from './guard.js';
import { apiRoutes } from './routes/api.js';
import { eventRoutes } from './routes/events.js';
import { explainRoutes } from './routes/explain.js';
import { feedbackRoutes } from './routes/feedback.js';
import { feedRoutes } from './routes/feeds.js';
import { healthRoutes } from './routes/health.js';
import { loginRoutes } from './routes/login.js';
import { ownTopicPreviewRoutes } from './routes/own-topic-preview.js';
import { pageRoutes } from './routes/page.js';
import { reclassifyRoutes } from './routes/reclassify.js';
import { searchRoutes } from './routes/search.js';
import { subscriptionRoutes } from './routes/subscriptions.js';
import { runLimit } from './run-limit.js';
import type { DashboardSite } from './site.js';
import { subscriptionLimit } from './subscription-limit.js';

/** How long requests in flight may take to finish once the dashboard is closing. */
const CLOSE_GRACE_MS = 1_000;

/** Ajv says "must NOT have additional properties" without saying which: the caller needs the name. */
function validationMessage(error: FastifyError): string {
  const unknown = error.validation?.find((v) => v.keyword === 'additionalProperties');
  const name = unknown?.params.additionalProperty;
  if (!unknown || typeof name !== 'string') return error.message;
  return `${error.validationContext ?? 'request'}${unknown.instancePath}/${name} is not a field this accepts`;
}

export interface DashboardOptions {
  config: Config;
  logger: Logger;
  /** Request bodies larger than this get 413. */
  bodyLimit?: number;
  /** Runs one client may start per minute (the page's form and POST /api/runs together). */
  runsPerMinute?: number;
  /** Subscriptions one client may create or change per minute (the API and the page's form together). */
  subscriptionChangesPerMinute?: number;
  /** Open /events streams one client may hold (STREAMS_PER_CLIENT). */
  streamsPerClient?: number;
  /** How long an /events stream may go without a notice before it is ended (STREAM_IDLE_MS). */
  streamIdleMs?: number;
  /** Votes one client, and one reader (a feed key, or the operator), may send a minute. */
  votesPerMinute?: { perClient: number; perReader: number };
}

/**
 * Builds the dashboard (not listening yet): the api layer's objects, then the Fastify app
 * that maps HTTP onto them. Throws when bound off loopback without DASHBOARD_TOKEN.
 */
export async function buildDashboard(options: DashboardOptions) {
  const { config, logger } = options;
  const { dashboard } = config;
  if (!isLoopbackHost(dashboard.host) && !dashboard.token) throw new DashboardTokenRequiredError(dashboard.host);
  // Links carry DASHBOARD_PUBLIC_URL's path, so a proxy may serve the dashboard under one.
  const base = dashboard.publicUrl ? new URL(dashboard.publicUrl).pathname.replace(/\/+$/, '') : '';

  // Page requests should fail fast while Redis is away, not queue up behind a reconnect.
  const connection = createRedis(config.redis, { maxRetriesPerRequest: 2 }, logger);
  const space = keySpaceOf(config);
  const queues = Object.fromEntries(
    QUEUE_NAMES.map((name) => [name, new Queue(name, { connection, prefix: queuePrefix(space) })]),
  ) as Record<QueueName, Queue>;
  // QueueEvents blocks on its connection, so it gets one of its own (closed with the app).
  const eventsConnection = createRedis(config.redis, {}, logger);
  const classifyEvents = new QueueEvents(QUEUE.classify, { connection: eventsConnection, prefix: queuePrefix(space) });
  // Previews are answered through their queue's events: a second blocking reader, a second connection.
  const previewEventsConnection = createRedis(config.redis, {}, logger);
  const previewEvents = new QueueEvents(QUEUE.preview, {
    connection: previewEventsConnection,
    prefix: queuePrefix(space),
  });
  previewEvents.on('error', (err) => logger.warn({ err: err.message }, 'preview queue events error'));
  const data = new DashboardData(
    new TopicStoreReader(connection, space, {
      labelOrder: config.zeroShot.labels,
      onBadRecord: (record) => logger.warn(record, 'skipped an unreadable record in the topic store'),
    }),
    queues,
    connection,
    space,
    config.redis,
  );
  const auth = dashboard.token
    ? { token: dashboard.token, sessions: new SessionStore(connection, space, dashboard.token) }
    : undefined;
  const attempts = new AttemptLimiter(connection, space);
  const history = { timeZone: config.schedule.tz, retentionDays: config.aggregator.retentionDays };
  const search = new ArticleSearch(data.store, { retentionDays: config.aggregator.retentionDays });
  // Built now rather than on the first search, so the first words a reader types are fast too.
  search.refresh().catch((err) => logger.warn({ err }, 'could not build the search index yet; the first search will'));
  const subscriptions = new SubscriptionStore(connection, space, {
    labels: config.zeroShot.labels,
    ownTopics: config.ownTopics,
    onNewOwnTopics: (topicIds) => queueBackfills(queues.backfill, topicIds),
  });
  // The dashboard is where subscriptions change and where the ceiling refuses newcomers, and
  // its store backfills a registration added back: so it is the one that rebuilds the own-topic
  // registry from the records at start, undoing what an older version's races or a hand edit
  // left. Not fatal: the store keeps the registry right from here on either way.
  await subscriptions
    .reconcileOwnTopics()
    .then((repair) => {
      if (repair.orphansRemoved.length + repair.missingAdded.length + repair.holdersFixed > 0)
        logger.warn(repair, 'repaired the own-topic registry from the subscriptions');
    })
    .catch((err) => logger.warn({ err }, 'could not check the own-topic registry; tidings subscribers check does it'));
  const feedDeps = {
    store: data.store,
    ownTopicMatches: new OwnTopicMatches(connection, space),
    subscriptions,
    labels: config.zeroShot.labels,
    token: dashboard.token,
    hubs: config.websub.hubUrls,
    ownTopicThreshold: config.ownTopics.threshold,
    ownTopicDays: config.ownTopics.backfillDays,
    calibrations: new CalibrationStore(connection, space),
    feedback: new FeedbackStore(connection, space, {
      perReader: config.feedback.perReader,
      total: config.feedback.max,
    }),
  };
  const subscriptionDeps = {
    subscriptions,
    // A subscriber's webhook is called on their behalf: no private addresses unless FEED_ALLOW_PRIVATE.
    checkWebhookUrl: async (url: string) => {
      if (!config.feeds.allowPrivate) await assertPublicUrl(url, redactSecretUrl(url));
    },
    ownTopicQuota: new OwnTopicQuota(connection, {
      space,
      labels: config.zeroShot.labels,
      limits: config.ownTopics,
      perDay: config.ownTopics.perClientPerDay,
    }),
  };
  const previewDeps = {
    queue: queues.preview,
    events: previewEvents,
    lock: new PreviewLock(connection, space, config.ownTopics.preview.timeoutMs + 1_000),
    subscriptions,
    labels: config.zeroShot.labels,
    limits: config.ownTopics,
    timeoutMs: config.ownTopics.preview.timeoutMs,
  };
  const reclassifyDeps: ReclassifyDeps = {
    data,
    reports: new ReclassifyReports(connection, space),
    store: new TopicStoreWriter(connection, space, { labelOrder: config.zeroShot.labels }),
    space,
    retentionDays: config.aggregator.retentionDays,
  };
  const feedbackDeps = {
    store: data.store,
    ownTopicMatches: feedDeps.ownTopicMatches,
    subscriptions,
    feedback: feedDeps.feedback,
    calibrations: feedDeps.calibrations,
    labels: config.zeroShot.labels,
  };
  const events = new RunEvents({
    redis: config.redis,
    space,
    logger,
    maxStreams: dashboard.maxSseClients,
    streamsPerClient: options.streamsPerClient,
    idleMs: options.streamIdleMs,
  });
  await events.start();

  const app = Fastify({
    loggerInstance: logger,
    bodyLimit: options.bodyLimit ?? 64 * 1024,
    // Unknown fields and a string where a list belongs are errors the caller should see,
    // not something silently dropped or wrapped (Fastify's defaults).
    ajv: { customOptions: { removeAdditional: false, coerceTypes: true } },
    // One proxy hop: request.ip is the address that proxy saw, and X-Forwarded-For entries
    // a client adds itself are not believed. Without TRUST_PROXY the header is ignored.
    trustProxy: dashboard.trustProxy ? (_address, hop) => hop === 0 : false,
  });

  app.setErrorHandler((error: FastifyError, request, reply) => {
    const status = error.statusCode ?? 500;
    if (status >= 500) {
      request.log.error({ err: error }, 'request failed');
      return reply
        .code(status)
        .send({ error: 'Internal Server Error', message: `something failed on our side (request ${request.id})` });
    }
    return reply.code(status).send({ error: error.code ?? 'Bad Request', message: validationMessage(error) });
  });

  app.decorate('site', { base, publicUrl: dashboard.publicUrl, tokenSet: auth !== undefined } satisfies DashboardSite);
  app.decorateRequest('access', undefined);
  await app.register(fastifyCookie);
  await app.register(fastifyFormbody, { bodyLimit: 4 * 1024 });
  await app.register(fastifyRateLimit, { global: false });
  app.addHook('onRequest', guard({ origins: new OriginPolicy(dashboard), auth, attempts, base }));
  // Every JSON answer, schema-serialized or not, carries no lone surrogate a strict reader refuses.
  app.addHook('preSerialization', async (_request, _reply, payload) => wellFormedJson(payload));
  const runs = runLimit(app, options.runsPerMinute ?? 6);
  const subscriptionChanges = subscriptionLimit(app, options.subscriptionChangesPerMinute ?? 20);
  const votes = feedbackLimit(app, options.votesPerMinute ?? { perClient: 60, perReader: 30 });

  await app.register(async (pages) => {
    await pages.register(fastifyHelmet, {
      // Helmet's default, no-referrer, makes Chromium label the page's own form posts
      // `Origin: null`, which the guard refuses as a sandboxed frame's: every form without
      // JavaScript (a vote's confirm page, unsubscribe, log in) would be 403. same-origin still
      // sends nothing to other sites, so a URL holding a feed key never leaks through a link.
      referrerPolicy: { policy: 'same-origin' },
      contentSecurityPolicy: {
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'"],
          imgSrc: ["'self'", 'data:'],
          connectSrc: ["'self'"],
          formAction: ["'self'"],
          frameAncestors: ["'none'"],
        },
      },
    });
    await pages.register(pageRoutes, {
      data,
      windowHours: config.aggregator.windowHours,
      runLimit: runs,
      labels: config.zeroShot.labels,
      token: dashboard.token,
      lowConfidenceScore: dashboard.lowConfidenceScore,
      history,
      search,
      feedback: feedbackDeps.feedback,
    });
    await pages.register(feedRoutes, { deps: feedDeps });
    await pages.register(subscriptionRoutes, { deps: subscriptionDeps, subscriptionLimit: subscriptionChanges });
    await pages.register(loginRoutes, { auth, attempts });
    await pages.register(ownTopicPreviewRoutes, { deps: previewDeps });
    await pages.register(feedbackRoutes, { deps: feedbackDeps, limit: votes });
    await pages.register(explainRoutes, {
      deps: { ...feedbackDeps, ownTopicThreshold: config.ownTopics.threshold },
    });
    await pages.register(apiRoutes, { data, windowHours: config.aggregator.windowHours, runLimit: runs, history });
    await pages.register(reclassifyRoutes, { deps: reclassifyDeps, runLimit: runs });
    await pages.register(searchRoutes, { search });
    await pages.register(eventRoutes, { events });
    await pages.register(healthRoutes, { data, registry: createMetrics(data, classifyEvents), logger });
  });
  await app.register(bullBoard, { queues, readOnly: !auth, base });

  // Shutdown must not wait on clients. Open event streams are ended first. Browsers also open
  // sockets ahead of requests, which Node counts as busy, so server.close() would wait on
  // them indefinitely: requests in flight get a moment to finish, then what is left is cut.
  app.addHook('preClose', async () => {
    events.close();
    setTimeout(() => app.server.closeAllConnections(), CLOSE_GRACE_MS).unref();
  });
  app.addHook('onClose', async () => {
    await classifyEvents.close();
    eventsConnection.disconnect();
    await previewEvents.close();
    previewEventsConnection.disconnect();
    for (const q of Object.values(queues)) await q.close();
    connection.disconnect();
  });
  return { app, data };
}

export async function startDashboard(options: DashboardOptions) {
  const { app, data } = await buildDashboard(options);
  const address = await app.listen({ host: options.config.dashboard.host, port: options.config.dashboard.port });
  return { app, data, address, close: () => app.close() };
}
