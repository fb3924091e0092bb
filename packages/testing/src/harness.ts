import { randomBytes } from 'node:crypto';
import { createRedis, type RedisConnection } from '@tidings/runtime';
import { type Config, loadConfig } from '@tidings/shared';
import { inject } from 'vitest';
import { TINY_MODEL_DIR } from './paths.js';

/** The private test server's URL; never the machine's 127.0.0.1:6379. */
export function testRedisUrl(): string {
  return inject('redisUrl');
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
