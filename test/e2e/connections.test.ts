import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadNliModel, modelSource, type NliModel } from '@tidings/classifier';
import {
  createLogger,
  createRedis,
  type RedisConnection,
  type RedisServerHandle,
  startRedisServer,
} from '@tidings/runtime';
import { loadConfig, SERVICE_NAMES, SERVICES } from '@tidings/shared';
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
  // One model for every classifier start: loading it 20 times would measure the model, not the connections.
  let model: NliModel;
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tidings-connections-'));
    server = await startRedisServer({ dir });
    observer = createRedis(server.url);
    model = await loadNliModel(modelSource(config().classifier), { threads: 1 });
  });
  afterAll(async () => {
    await model.dispose();
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

  /** A service started in this process through its package's start export (services.ts), as the registry names it. */
  async function starter(name: (typeof SERVICE_NAMES)[number]) {
    const service = SERVICES[name];
    const module: Record<string, unknown> = await import(service.package);
    const start = module[service.start];
    expect(start, `${service.package} exports no ${service.start}`).toBeTypeOf('function');
    return start as (options: object) => Promise<{ close(): Promise<unknown> }>;
  }

  it.each(SERVICE_NAMES)('the %s leaves no Redis client behind after 20 starts and stops', async (name) => {
    const start = await starter(name);
    const before = await clients();
    for (let i = 0; i < CYCLES; i++) await (await start({ config: config(), logger, model })).close();
    // Redis drops a closed client within milliseconds; allow for the QUIT round trip.
    const after = await waitFor(async () => ((await clients()) === before ? before : undefined), {
      timeoutMs: 5_000,
      what: 'the client count to return',
    }).catch(async () => clients());
    expect(after).toBe(before);
  });
});
