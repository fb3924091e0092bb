import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startAggregator } from '@tidings/aggregator';
import { loadNliModel, modelSource, startClassifier } from '@tidings/classifier';
import { startDashboard } from '@tidings/dashboard';
import { startLoader } from '@tidings/loader';
import { startNotifier } from '@tidings/notifier';
import {
  createLogger,
  createRedis,
  type RedisConnection,
  type RedisServerHandle,
  startRedisServer,
} from '@tidings/runtime';
import { loadConfig } from '@tidings/shared';
import { TINY_MODEL_DIR, waitFor } from '@tidings/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const CYCLES = 20;
const logger = createLogger('test', { level: 'silent' });

/**
 * Every service owns the connections it opens and closes them: started and stopped 20 times
 * against a redis-server of its own (so no other test's clients are counted), the number of
 * clients Redis reports is back where it began.
 */
describe('connections', () => {
  let server: RedisServerHandle;
  let dir: string;
  let observer: RedisConnection;
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tidings-connections-'));
    server = await startRedisServer({ dir });
    observer = createRedis(server.url);
  });
  afterAll(async () => {
    await observer.quit();
    await server.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const clients = async () => ((await observer.client('LIST')) as string).trim().split('\n').length;
  const config = () =>
    loadConfig({
      REDIS_URL: server.url,
      MODEL_DIR: TINY_MODEL_DIR,
      CLASSIFIER_THREADS: '1',
      DASHBOARD_PORT: '0',
      DATA_DIR: dir,
      LOG_LEVEL: 'silent',
    });

  const services: [string, () => Promise<{ close(): Promise<unknown> }>][] = [
    ['loader', () => startLoader({ config: config(), logger })],
    ['aggregator', () => startAggregator({ config: config(), logger })],
    ['dashboard', () => startDashboard({ config: config(), logger })],
    ['notifier', () => startNotifier({ config: config(), logger })],
  ];

  it.each(services)('the %s leaves no Redis client behind after 20 starts and stops', async (_name, start) => {
    const before = await clients();
    for (let i = 0; i < CYCLES; i++) await (await start()).close();
    // Redis drops a closed client within milliseconds; allow for the QUIT round trip.
    const after = await waitFor(async () => ((await clients()) === before ? before : undefined), {
      timeoutMs: 5_000,
      what: 'the client count to return',
    }).catch(async () => clients());
    expect(after).toBe(before);
  });

  it('the classifier leaves no Redis client behind after 20 starts and stops', async () => {
    const model = await loadNliModel(modelSource(config().classifier), { threads: 1 });
    const before = await clients();
    for (let i = 0; i < CYCLES; i++) await (await startClassifier({ config: config(), logger, model })).close();
    const after = await waitFor(async () => ((await clients()) === before ? before : undefined), {
      timeoutMs: 5_000,
      what: 'the client count to return',
    }).catch(async () => clients());
    expect(after).toBe(before);
    await model.dispose();
  });
});
