import type { Logger } from '@tidings/runtime';
import type { FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import type { DashboardData } from '../../api/dashboard-data.js';
import { checkHealth } from '../../api/health.js';
import { sendResult } from '../reply.js';

/** /healthz (open to load balancers) and /metrics (behind the token when one is set). */
export async function healthRoutes(
  app: FastifyInstance,
  options: { data: DashboardData; registry: Registry; logger: Logger },
) {
  app.get('/healthz', async (_request, reply) => sendResult(reply, await checkHealth(options.data, options.logger)));

  app.get('/metrics', async (_request, reply) =>
    reply.type(options.registry.contentType).send(await options.registry.metrics()),
  );
}
