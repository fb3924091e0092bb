import type { FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import type { DashboardData } from '../dashboard-data.js';

/** /healthz (open to load balancers; shows no configuration) and /metrics. */
export async function healthRoutes(
  app: FastifyInstance,
  options: { data: DashboardData; registry: Registry; timeoutMs?: number },
) {
  app.get('/healthz', async (_request, reply) => {
    const started = performance.now();
    try {
      const [queues, workers] = await withTimeout(
        Promise.all([options.data.queueCounts(), options.data.liveWorkers()]),
        options.timeoutMs ?? 2_000,
      );
      return {
        status: 'ok',
        redis: { reachable: true, latencyMs: Math.round(performance.now() - started) },
        queues,
        workers: { live: workers.length },
      };
    } catch (err) {
      app.log.warn({ err: (err as Error).message }, 'health check failed');
      return reply.code(503).send({ status: 'unavailable', redis: { reachable: false }, queues: null, workers: null });
    }
  });

  app.get('/metrics', async (_request, reply) =>
    reply.type(options.registry.contentType).send(await options.registry.metrics()),
  );
}

/** A health check must answer even while Redis does not. */
function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Redis did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
