import fastifyCookie from '@fastify/cookie';
import fastifyFormbody from '@fastify/formbody';
import fastifyHelmet from '@fastify/helmet';
import fastifyRateLimit from '@fastify/rate-limit';
import { assertPublicUrl, createRedis, type Logger } from '@tidings/runtime';
import {
  type Config,
  keySpaceOf,
  QUEUE,
  QUEUE_NAMES,
  type QueueName,
  queueBackfills,
  queuePrefix,
  redactSecretUrl,
  wellFormedJson,
} from '@tidings/shared';
import { SubscriptionStore } from '@tidings/subscriptions';
import { OwnTopicMatches, TopicStoreReader } from '@tidings/topic-store';
import { Queue, QueueEvents } from 'bullmq';
import Fastify, { type FastifyError } from 'fastify';
import { AttemptLimiter } from '../api/attempt-limiter.js';
import { DashboardData } from '../api/dashboard-data.js';
import { createMetrics } from '../api/metrics.js';
import { isLoopbackHost, OriginPolicy } from '../api/origins.js';
import { OwnTopicQuota } from '../api/own-topic-quota.js';
import { RunEvents } from '../api/run-events.js';
import { ArticleSearch } from '../api/search.js';
import { SessionStore } from '../api/sessions.js';
import { DashboardTokenRequiredError } from '../errors/dashboard-token-required-error.js';
import { bullBoard } from './bull-board.js';
import { guard } from './guard.js';
import { apiRoutes } from './routes/api.js';
import { eventRoutes } from './routes/events.js';
import { feedRoutes } from './routes/feeds.js';
import { healthRoutes } from './routes/health.js';
import { loginRoutes } from './routes/login.js';
import { pageRoutes } from './routes/page.js';
import { searchRoutes } from './routes/search.js';
import { subscriptionRoutes } from './routes/subscriptions.js';
import { runLimit } from './run-limit.js';
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
    ? { token: dashboard.token, sessions: new SessionStore(connection, config.prefix, dashboard.token) }
    : undefined;
  const attempts = new AttemptLimiter(connection, config.prefix);
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
  const events = new RunEvents({
    redis: config.redis,
    prefix: config.prefix,
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

  app.decorateRequest('access', undefined);
  await app.register(fastifyCookie);
  await app.register(fastifyFormbody, { bodyLimit: 4 * 1024 });
  await app.register(fastifyRateLimit, { global: false });
  app.addHook('onRequest', guard({ origins: new OriginPolicy(dashboard), auth, attempts, base }));
  // Every JSON answer, schema-serialized or not, carries no lone surrogate a strict reader refuses.
  app.addHook('preSerialization', async (_request, _reply, payload) => wellFormedJson(payload));
  const runs = runLimit(app, options.runsPerMinute ?? 6);
  const subscriptionChanges = subscriptionLimit(app, options.subscriptionChangesPerMinute ?? 20);

  await app.register(async (pages) => {
    await pages.register(fastifyHelmet, {
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
      base,
      runLimit: runs,
      labels: config.zeroShot.labels,
      token: dashboard.token,
      publicUrl: dashboard.publicUrl,
      lowConfidenceScore: dashboard.lowConfidenceScore,
      history,
      search,
    });
    await pages.register(feedRoutes, {
      deps: feedDeps,
      base,
      publicUrl: dashboard.publicUrl,
      ownTopicDays: config.ownTopics.backfillDays,
    });
    await pages.register(subscriptionRoutes, {
      deps: subscriptionDeps,
      base,
      publicUrl: dashboard.publicUrl,
      tokenSet: auth !== undefined,
      subscriptionLimit: subscriptionChanges,
    });
    await pages.register(loginRoutes, {
      auth,
      attempts,
      base,
      publicHttps: dashboard.publicUrl?.startsWith('https:') ?? false,
    });
    await pages.register(apiRoutes, { data, windowHours: config.aggregator.windowHours, runLimit: runs, history });
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
