/**
 * HEALTH_PORT: what container and Kubernetes probes ask a worker service. A real notifier
 * process on a redis-server of the test's own, which the test stops to show /readyz turn
 * while /healthz (restart or not) stays.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort, type RedisServerHandle, startRedisServer } from '@tidings/runtime';
import { type ServiceProcess, spawnService, testPrefix, waitFor } from '@tidings/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let dir: string;
let redis: RedisServerHandle;
let notifier: ServiceProcess;
let port: number;

const probe = async (pathname: string, method = 'GET') => {
  const res = await fetch(`http://127.0.0.1:${port}${pathname}`, { method });
  return { status: res.status, body: (await res.text()).trim() };
};

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tidings-probes-'));
  redis = await startRedisServer({ dir, appendOnly: false });
  port = await freePort();
  notifier = spawnService('notifier', {
    REDIS_URL: redis.url,
    TIDINGS_PREFIX: testPrefix(),
    HEALTH_PORT: String(port),
  });
  await waitFor(() => notifier.output().includes('notifier ready') || undefined, {
    what: 'the notifier',
    timeoutMs: 60_000,
  });
});

afterAll(async () => {
  await notifier?.stop();
  await redis?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('a worker service with HEALTH_PORT', () => {
  it('says in its ready line where its probes are', () => {
    expect(notifier.output()).toContain(`"healthPort":${port}`);
  });

  it('is live and ready while its worker runs and Redis answers', async () => {
    expect(await probe('/healthz')).toEqual({ status: 200, body: 'ok' });
    expect(await probe('/readyz')).toEqual({ status: 200, body: 'ok' });
  });

  it('serves nothing but the two probes', async () => {
    expect((await probe('/')).status).toBe(404);
    expect((await probe('/metrics')).status).toBe(404);
    expect((await probe('/healthz', 'POST')).status).toBe(404);
  });

  it('stops being ready, not live, when Redis goes away', async () => {
    await redis.stop();
    await waitFor(async () => (await probe('/readyz')).status === 503 || undefined, {
      what: '/readyz to say 503',
      timeoutMs: 15_000,
    });
    expect(await probe('/readyz')).toEqual({ status: 503, body: 'redis unreachable' });
    expect(await probe('/healthz')).toEqual({ status: 200, body: 'ok' });
  });
});
