import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '@tidings/shared';
import {
  makeTestCertificates,
  type SentinelSetup,
  startSentinelSetup,
  waitFor,
  waitForJobState,
} from '@tidings/testing';
import { Queue, Worker } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedis, describeRedis, type RedisConnection, redisPrimaries } from '../src/index.js';

describe.each([
  ['plain', false],
  ['TLS', true],
])('Redis through Sentinel (%s)', (_, tls) => {
  let setup: SentinelSetup;
  let dir: string;
  const connections: RedisConnection[] = [];
  const connect = (config: ReturnType<typeof loadConfig>) => {
    const connection = createRedis(config.redis);
    connection.on('error', () => {});
    connections.push(connection);
    return connection;
  };

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tidings-sentinel-'));
    setup = await startSentinelSetup(dir, tls ? { tls: makeTestCertificates(dir) } : {});
  });
  afterAll(async () => {
    for (const c of connections) c.disconnect();
    await setup?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('connects to the primary the Sentinels name, with both passwords, and says which it is', async () => {
    const config = loadConfig({ ...setup.env, LOG_LEVEL: 'silent' });
    expect(config.redis.kind).toBe('sentinel');
    const redis = connect(config);
    await redis.set('written-through-sentinel', 'yes');
    expect((await redis.call('ROLE')) as unknown[]).toContain('master');
    expect(await redisPrimaries(redis, config.redis)).toEqual([`127.0.0.1:${setup.primary.port}`]);
    const shown = describeRedis(config.redis);
    expect(shown).toBe(`Sentinel primary 'tidings-primary' via ${setup.env.REDIS_SENTINELS}`);
    expect(shown).not.toContain(setup.env.REDIS_PASSWORD);
  });

  it(`gets no answer when it speaks ${tls ? 'plain text' : 'TLS'} to Sentinels that speak ${tls ? 'TLS' : 'plain text'}`, async () => {
    const { REDIS_TLS: _tls, REDIS_TLS_CA: _ca, ...plain } = setup.env;
    const config = loadConfig({ ...plain, ...(tls ? {} : { REDIS_TLS: 'true' }), LOG_LEVEL: 'silent' });
    // One round of the Sentinels, no retries: a client in the other protocol gets no primary's address.
    const redis = createRedis(config.redis, {
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
      sentinelRetryStrategy: () => null,
      // A TLS handshake with a plain server waits for the timeout: a short one, three Sentinels.
      connectTimeout: 1000,
    });
    redis.on('error', () => {});
    connections.push(redis);
    await expect(redis.ping()).rejects.toThrow(/sentinels are unreachable|Connection is closed/i);
  });

  it('refuses a wrong data-node password with the error, not a hang', async () => {
    const config = loadConfig({ ...setup.env, REDIS_PASSWORD: 'not-the-password', LOG_LEVEL: 'silent' });
    const redis = createRedis(config.redis, { maxRetriesPerRequest: 0, retryStrategy: () => null });
    redis.on('error', () => {});
    connections.push(redis);
    await expect(redis.ping()).rejects.toThrow(/WRONGPASS|invalid password|Connection is closed/i);
  });

  it('a BullMQ worker keeps working across a failover, on the promoted replica, without a restart', async () => {
    const config = loadConfig({ ...setup.env, LOG_LEVEL: 'silent' });
    const queue = new Queue('sentinel-failover', { connection: connect(config), prefix: 'sf' });
    queue.on('error', () => {});
    const worker = new Worker('sentinel-failover', async (job) => ({ doubled: job.data.n * 2 }), {
      connection: connect(config),
      prefix: 'sf',
    });
    worker.on('error', () => {});
    const before = await queue.add('double', { n: 1 }, { jobId: 'before' });
    expect((await waitForJobState(queue, before.id!, 'completed')).returnvalue).toEqual({ doubled: 2 });
    // Replication is asynchronous: wait until the replica has what the primary has, as a real failover would not.
    const primary = connect(loadConfig({ ...setup.env, LOG_LEVEL: 'silent' }));
    await primary.call('WAIT', '1', '5000');

    await setup.killPrimary();

    // The same connections, no restart: they find the promoted replica through the Sentinels.
    const after = await queue.add('double', { n: 21 }, { jobId: 'after' });
    expect((await waitForJobState(queue, after.id!, 'completed', 30_000)).returnvalue).toEqual({ doubled: 42 });
    expect((await waitForJobState(queue, before.id!, 'completed')).id).toBe('before');
    const statusConnection = connect(config);
    await waitFor(async () => ((await statusConnection.call('ROLE')) as unknown[])[0] === 'master', {
      what: 'a connection to the new primary',
    });
    expect(await redisPrimaries(statusConnection, config.redis)).toEqual([`127.0.0.1:${setup.replica.port}`]);
    await worker.close();
    await queue.close();
  });
});
