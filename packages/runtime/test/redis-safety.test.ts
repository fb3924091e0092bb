import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnService, testPrefix, waitFor } from '@tidings/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createRedis,
  EXIT_CONFIG,
  type RedisConnection,
  type RedisServerHandle,
  startRedisServer,
} from '../src/index.js';

describe('start-up checks on the Redis a service is given', () => {
  let dir: string;
  let server: RedisServerHandle;
  let admin: RedisConnection;
  const env = () => ({ REDIS_URL: server.url, TIDINGS_PREFIX: testPrefix(), DATA_DIR: dir });

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tidings-redis-safety-'));
    server = await startRedisServer({ dir: path.join(dir, 'redis') });
    admin = createRedis(server.url);
  });
  afterAll(async () => {
    admin?.disconnect();
    await server?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('refuses to start on a Redis that evicts keys, in one line naming the policy and the override', async () => {
    await admin.config('SET', 'maxmemory-policy', 'allkeys-lru');
    const service = spawnService('aggregator', env());
    const { code } = await service.exited;
    expect(code).toBe(EXIT_CONFIG);
    expect(service.output()).toContain(
      `tidings aggregator: the Redis at ${server.url} has maxmemory-policy allkeys-lru, so it may silently drop queued jobs and stored runs; set maxmemory-policy to noeviction`,
    );
    expect(service.output()).toContain('REDIS_ALLOW_EVICTION=true');
    expect(service.output()).not.toContain('aggregator ready');
  });

  it('starts on an evicting Redis with REDIS_ALLOW_EVICTION=true, and says what it risks', async () => {
    await admin.config('SET', 'maxmemory-policy', 'volatile-lru');
    const service = spawnService('aggregator', { ...env(), REDIS_ALLOW_EVICTION: 'true' });
    try {
      await waitFor(() => service.output().includes('aggregator ready'), { what: 'the aggregator to start' });
      expect(service.output()).toMatch(/"maxmemoryPolicy":"volatile-lru".*Redis may evict keys/);
    } finally {
      await service.stop();
    }
  });

  it('warns when a Redis keeps nothing on disk, and not once it saves snapshots', async () => {
    await admin.config('SET', 'maxmemory-policy', 'noeviction');
    const bare = spawnService('aggregator', env());
    try {
      await waitFor(() => bare.output().includes('aggregator ready'), { what: 'the aggregator to start' });
      expect(bare.output()).toContain('Redis persistence is off (no appendonly, no save)');
    } finally {
      await bare.stop();
    }
    await admin.config('SET', 'save', '3600 1');
    const saving = spawnService('aggregator', env());
    try {
      await waitFor(() => saving.output().includes('aggregator ready'), { what: 'the aggregator to start' });
      expect(saving.output()).not.toContain('Redis persistence is off');
    } finally {
      await saving.stop();
    }
  });
});
