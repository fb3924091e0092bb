import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Config, createRedis, loadConfig } from '@tidings/shared';
import type { Job, JobState, Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { inject } from 'vitest';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const TINY_MODEL_DIR = path.join(ROOT, 'services/classifier/models/tiny-nli');
export const FIXTURES = path.join(ROOT, 'fixtures');
export const CNBC_FIXTURE = path.join(FIXTURES, 'feeds/cnbc-finance.xml');

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

export function testRedis(): Redis {
  return createRedis(testRedisUrl());
}

export async function waitFor<T>(
  check: () => Promise<T | undefined | false> | T | undefined | false,
  { timeoutMs = 20_000, intervalMs = 50, what = 'condition' } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** Waits until a BullMQ job reaches `state`; fails with the state it was stuck in. */
export async function waitForJobState(
  queue: Queue,
  jobId: string,
  state: JobState | 'unknown',
  timeoutMs = 20_000,
): Promise<Job> {
  let last: string = 'missing';
  try {
    return await waitFor(
      async () => {
        last = await queue.getJobState(jobId);
        if (last !== state) return undefined;
        return (await queue.getJob(jobId)) ?? undefined;
      },
      { timeoutMs, what: `job ${jobId} in ${queue.name} to be ${state}` },
    );
  } catch (err) {
    throw new Error(`${(err as Error).message} (last state: ${last})`);
  }
}
