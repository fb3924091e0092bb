import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import fastifyCookie from '@fastify/cookie';
import fastifyFormbody from '@fastify/formbody';
import fastifyHelmet from '@fastify/helmet';
import fastifyRateLimit from '@fastify/rate-limit';
import { type Config, QUEUE, QUEUE_NAMES, type QueueName } from '@tidings/contracts';
import { createRedis, type Logger } from '@tidings/runtime';
import { TopicStore } from '@tidings/topic-store';
import { Queue, QueueEvents } from 'bullmq';
import Fastify, { type FastifyError } from 'fastify';
import { accessPolicy, authorize, isLoopbackHost } from './auth.js';
import { DashboardData } from './dashboard-data.js';
import { createMetrics } from './metrics.js';
import { apiRoutes } from './routes/api.js';
import { eventRoutes } from './routes/events.js';
import { healthRoutes } from './routes/health.js';
import { pageRoutes } from './routes/page.js';

export interface DashboardOptions {
  config: Config;
  logger: Logger;
  /** Request bodies larger than this get 413. */
  bodyLimit?: number;
  runsPerMinute?: number;
}

/** Builds the dashboard (not listening yet). Throws when bound off loopback without DASHBOARD_TOKEN. */
export async function buildDashboard(options: DashboardOptions) {
  const { config, logger } = options;
  const policy = accessPolicy(config.dashboard.host, config.dashboard.token);
  // Page requests should fail fast while Redis is away, not queue up behind a reconnect.
  const connection = createRedis(config.redis, { maxRetriesPerRequest: 2 }, logger);
  const queues = Object.fromEntries(
    QUEUE_NAMES.map((name) => [name, new Queue(name, { connection, prefix: config.prefix })]),
  ) as Record<QueueName, Queue>;
  // QueueEvents blocks on its connection, so it gets one of its own (closed with the app).
  const eventsConnection = createRedis(config.redis, {}, logger);
  const classifyEvents = new QueueEvents(QUEUE.classify, { connection: eventsConnection, prefix: config.prefix });
  const data = new DashboardData(
    new TopicStore(connection, config.prefix, {
      labelOrder: config.zeroShot.labels,
      onBadRecord: (record) => logger.warn(record, 'skipped an unreadable record in the topic store'),
    }),
    queues,
    connection,
    config.prefix,
  );

  const app = Fastify({
    loggerInstance: logger,
    bodyLimit: options.bodyLimit ?? 64 * 1024,
    // Unknown fields and a string where a list belongs are errors the caller should see,
    // not something silently dropped or wrapped (Fastify's defaults).
    ajv: { customOptions: { removeAdditional: false, coerceTypes: true } },
    trustProxy: false,
  });

  app.setErrorHandler((error: FastifyError, request, reply) => {
    const status = error.statusCode ?? 500;
    if (status >= 500) {
      request.log.error({ err: error }, 'request failed');
      return reply
        .code(status)
        .send({ error: 'Internal Server Error', message: `something failed on our side (request ${request.id})` });
    }
    return reply.code(status).send({ error: error.code ?? 'Bad Request', message: error.message });
  });

  await app.register(fastifyCookie);
  await app.register(fastifyFormbody, { bodyLimit: 4 * 1024 });
  await app.register(fastifyRateLimit, { global: false });
  app.addHook('onRequest', authorize(policy));

  await app.register(async (pages) => {
    await pages.register(fastifyHelmet, {
      contentSecurityPolicy: {
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'"],
          imgSrc: ["'self'", 'data:'],
          connectSrc: ["'self'"],
        },
      },
    });
    await pages.register(pageRoutes, {
      data,
      policy,
      windowHours: config.aggregator.windowHours,
      secureCookie: !isLoopbackHost(config.dashboard.host),
    });
    await pages.register(apiRoutes, {
      data,
      windowHours: config.aggregator.windowHours,
      runsPerMinute: options.runsPerMinute ?? 6,
    });
    await pages.register(eventRoutes, { redisUrl: config.redis.url, keyPrefix: config.prefix, logger });
    await pages.register(healthRoutes, { data, registry: createMetrics(data, classifyEvents) });
  });

  await app.register(async (board) => {
    // Bull Board's UI relies on inline scripts and styles, so its scope keeps helmet without a CSP.
    await board.register(fastifyHelmet, { contentSecurityPolicy: false });
    const serverAdapter = new FastifyAdapter();
    serverAdapter.setBasePath('/queues');
    createBullBoard({
      queues: QUEUE_NAMES.map((name) => new BullMQAdapter(queues[name])),
      serverAdapter,
      options: { uiConfig: { boardTitle: 'tidings queues' } },
    });
    await board.register(serverAdapter.registerPlugin(), { prefix: '/queues' });
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
