import type { Logger } from '@tidings/runtime';
import type { DashboardData } from './dashboard-data.js';
import type { ApiResult } from './result.js';

/**
 * What /healthz answers: open to load balancers, so it shows counts and reachability only,
 * never configuration (no Redis URL, no token).
 */
export async function checkHealth(data: DashboardData, logger: Logger, timeoutMs = 2_000): Promise<ApiResult> {
  const started = performance.now();
  try {
    const [queues, workers] = await withTimeout(Promise.all([data.queueCounts(), data.liveWorkers()]), timeoutMs);
    return {
      status: 200,
      body: {
        status: 'ok',
        redis: { reachable: true, latencyMs: Math.round(performance.now() - started) },
        queues,
        workers: { live: workers.length },
      },
    };
  } catch (err) {
    logger.warn({ err: (err as Error).message }, 'health check failed');
    return { status: 503, body: { status: 'unavailable', redis: { reachable: false }, queues: null, workers: null } };
  }
}

/** A health check must answer even while Redis does not. */
function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Redis did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
