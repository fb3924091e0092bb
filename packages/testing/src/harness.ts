import { randomBytes } from 'node:crypto';
import { createRedis, type RedisConnection } from '@tidings/runtime';
import { type Config, loadConfig } from '@tidings/shared';
import { TINY_MODEL_DIR } from './paths.js';

// The fault suite and the bench load this package outside vitest, where importing vitest throws.
const vitest = process.env.VITEST ? await import('vitest') : undefined;

/** The private test server's URL; never the machine's 127.0.0.1:6379. */
export function testRedisUrl(): string {
  if (!vitest)
    throw new Error("testRedisUrl() runs only under vitest, whose global setup starts the test's redis-server");
  return vitest.inject('redisUrl');
}

/** A fresh key prefix per test, so tests share the server but never each other's state. */
export function testPrefix(): string {
  return `t${randomBytes(5).toString('hex')}`;
}

export function testConfig(env: Record<string, string> = {}): Config {
  return loadConfig({
    REDIS_URL: testRedisUrl(),
    TIDINGS_PREFIX: testPrefix(),
    MODEL_DIR: TINY_MODEL_DIR,
    CLASSIFIER_THREADS: '1',
    LOG_LEVEL: 'silent',
    ...env,
  });
}

export function testRedis(): RedisConnection {
  return createRedis(testRedisUrl());
}
