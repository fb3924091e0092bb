import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '@tidings/shared';
import { type ClusterSetup, makeTestCertificates, startClusterSetup, waitForJobState } from '@tidings/testing';
import { Queue, Worker } from 'bullmq';
import { Cluster } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedis, describeRedis, type RedisConnection, redisPrimaries } from '../src/index.js';

describe('Redis Cluster connections', () => {
  let cluster: ClusterSetup;
  let dir: string;
  const connections: RedisConnection[] = [];

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tidings-cluster-'));
    cluster = await startClusterSetup(dir);
  });
  afterAll(async () => {
    for (const c of connections) c.disconnect();
    await cluster?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('reaches every primary from one seed node and runs a BullMQ job with a hash-tagged prefix', async () => {
    // One seed is enough: the rest of the cluster is discovered from its slot map.
    const config = loadConfig({ REDIS_CLUSTER_NODES: `127.0.0.1:${cluster.ports[0]}`, LOG_LEVEL: 'silent' });
    expect(config.redis.kind).toBe('cluster');
    const redis = createRedis(config.redis);
    connections.push(redis);
    expect(redis).toBeInstanceOf(Cluster);
    // Keys in other slots land on other nodes; the connection follows each to its node.
    for (const key of ['a', 'b', 'c', 'd', 'e', 'f']) await redis.set(`spread:${key}`, key);
    expect(await Promise.all(['a', 'f'].map((k) => redis.get(`spread:${k}`)))).toEqual(['a', 'f']);
    expect(await redisPrimaries(redis, config.redis)).toEqual(cluster.ports.map((p) => `127.0.0.1:${p}`).sort());
    expect(describeRedis(config.redis)).toBe(`Redis Cluster via 127.0.0.1:${cluster.ports[0]}`);

    const workerConnection = createRedis(config.redis);
    connections.push(workerConnection);
    const queue = new Queue('cluster-job', { connection: redis, prefix: '{tc}' });
    const worker = new Worker('cluster-job', async (job) => ({ doubled: job.data.n * 2 }), {
      connection: workerConnection,
      prefix: '{tc}',
    });
    const job = await queue.add('double', { n: 4 }, { jobId: 'on-cluster' });
    expect((await waitForJobState(queue, job.id!, 'completed')).returnvalue).toEqual({ doubled: 8 });
    await worker.close();
    await queue.close();
  });
});

describe('Redis Cluster over TLS with a password', () => {
  let cluster: ClusterSetup;
  let dir: string;
  const connections: RedisConnection[] = [];

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tidings-cluster-tls-'));
    cluster = await startClusterSetup(path.join(dir, 'nodes'), {
      password: 'cluster-tls-password-0123',
      tls: makeTestCertificates(dir),
    });
  });
  afterAll(async () => {
    for (const c of connections) c.disconnect();
    await cluster?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('reaches every TLS-only primary with REDIS_PASSWORD, REDIS_TLS and REDIS_TLS_CA', async () => {
    const config = loadConfig({ ...cluster.env, LOG_LEVEL: 'silent' });
    expect(config.redis).toMatchObject({ kind: 'cluster', tls: true, password: 'cluster-tls-password-0123' });
    const redis = createRedis(config.redis);
    connections.push(redis);
    for (const key of ['a', 'b', 'c', 'd', 'e', 'f']) await redis.set(`spread:${key}`, key);
    expect(await Promise.all(['a', 'f'].map((k) => redis.get(`spread:${k}`)))).toEqual(['a', 'f']);
    expect(await redisPrimaries(redis, config.redis)).toEqual(cluster.ports.map((p) => `127.0.0.1:${p}`).sort());
  });

  it('without REDIS_TLS_CA, refuses nodes whose certificate it cannot verify', async () => {
    const { REDIS_TLS_CA: _ca, ...untrusting } = cluster.env;
    const config = loadConfig({ ...untrusting, LOG_LEVEL: 'silent' });
    const redis = createRedis(config.redis, { maxRetriesPerRequest: 0, retryStrategy: () => null });
    redis.on('error', () => {});
    connections.push(redis);
    // The certificate's CA is not among the system's: the handshake fails before any command.
    await expect(redis.ping()).rejects.toThrow();
  });
});
