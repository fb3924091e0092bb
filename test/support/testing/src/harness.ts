import { randomBytes } from 'node:crypto';
import { createRedis, createSubscriber, type RedisConnection } from '@tidings/runtime';
import { type Config, loadConfig } from '@tidings/shared';
import { TINY_MODEL_DIR } from './paths.js';

/**
 * vitest, only inside a vitest run: importing it anywhere else throws at once, and the fault
 * suite and the bench import this package too, for everything but the suite's own server.
 */
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

/**
 * A connection for SUBSCRIBE on the test server, made as the services make theirs
 * (createSubscriber). Never testRedis(): its ready check sends INFO once the handshake is
 * done, and a SUBSCRIBE sent during the handshake (ioredis writes it at once) puts the
 * connection in subscriber mode first. The INFO is refused, the connection is dropped and
 * comes back with no subscription, while the SUBSCRIBE had already resolved, so every
 * message published after it is lost.
 */
export function testSubscriber(): RedisConnection {
  return createSubscriber(testRedisUrl());
}
