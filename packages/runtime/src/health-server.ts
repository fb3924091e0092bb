import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Worker } from 'bullmq';
import type { RedisConnection } from './redis.js';
import type { Closable } from './shutdown.js';

export interface HealthServerOptions {
  port: number;
  /** Every BullMQ worker the service runs: it is alive while each one's loop runs. */
  workers: Worker[];
  /** A connection of the probes' own (never a blocking one), for the PING. */
  redis: RedisConnection;
  /** How long a Redis PING may take before /readyz says no. */
  pingTimeoutMs?: number;
}

export interface HealthServer extends Closable {
  port: number;
}

async function redisAnswers(redis: RedisConnection, timeoutMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  const ping = redis.ping().then(
    (reply) => reply === 'PONG',
    () => false,
  );
  try {
    return await Promise.race([ping, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * A worker service's probes, for containers and Kubernetes: GET /healthz answers 200 while
 * every worker's loop runs (a restart would help otherwise), GET /readyz 200 while, besides,
 * Redis answers a PING (nothing to restart for when Redis is away, only no work to take).
 * Nothing else is served, and nothing secret is said: only "ok" or what is not.
 */
export function startHealthServer(options: HealthServerOptions): Promise<HealthServer> {
  const pingTimeoutMs = options.pingTimeoutMs ?? 2_000;
  const server = http.createServer((req, res) => {
    const reply = (status: number, body: string) => {
      res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' });
      res.end(`${body}\n`);
    };
    const path = (req.url ?? '').split('?')[0];
    if (req.method !== 'GET' || (path !== '/healthz' && path !== '/readyz')) return reply(404, 'not found');
    if (!options.workers.every((w) => w.isRunning())) return reply(503, 'worker stopped');
    if (path === '/healthz') return reply(200, 'ok');
    void redisAnswers(options.redis, pingTimeoutMs).then((ok) =>
      ok ? reply(200, 'ok') : reply(503, 'redis unreachable'),
    );
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, () => {
      server.off('error', reject);
      resolve({
        port: (server.address() as AddressInfo).port,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}
