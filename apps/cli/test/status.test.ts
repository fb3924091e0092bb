import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startAggregator } from '@tidings/aggregator';
import { startClassifier } from '@tidings/classifier';
import { startLoader } from '@tidings/loader';
import { createLogger, createRedis, freePort, startRedisServer } from '@tidings/runtime';
import { loadConfig, StackStatusSchema } from '@tidings/shared';
import {
  CNBC_FIXTURE,
  FIXTURES,
  ROOT,
  runTidings,
  spawnService,
  TINY_MODEL_DIR,
  testPrefix,
  testRedisUrl,
  waitFor,
} from '@tidings/testing';
import { afterAll, describe, expect, it } from 'vitest';

const logger = createLogger('test', { level: 'silent' });

describe('tidings status and run --wait beside a stack', () => {
  const opened: { close(): Promise<unknown> }[] = [];
  afterAll(async () => {
    for (const o of opened.reverse()) await o.close();
  });

  it('run --wait says within seconds that no loader is connected, naming the Redis and the fix', async () => {
    const env = { REDIS_URL: testRedisUrl(), TIDINGS_PREFIX: testPrefix() };
    const r = await runTidings(['run', '--wait', '--feed', 'https://news.example/feed.xml'], env);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      new RegExp(`run manual-\\S+ is queued, but no loader is connected to the Redis at ${testRedisUrl()}`),
    );
    expect(r.stderr).toContain("start the stack with 'pnpm tidings start'");
    expect(r.ms).toBeLessThan(60_000);
  });

  it('shows workers by kind with the classifier model, the last runs, the next run, and problems', async () => {
    const env = {
      REDIS_URL: testRedisUrl(),
      TIDINGS_PREFIX: testPrefix(),
      FEED_URLS: `${CNBC_FIXTURE},${path.join(FIXTURES, 'feeds/not-a-feed.xml')}`,
      MODEL_DIR: TINY_MODEL_DIR,
      CLASSIFIER_THREADS: '1',
      LOG_LEVEL: 'silent',
    };
    const config = loadConfig(env);
    opened.push(await startLoader({ config, logger }));
    opened.push(await startClassifier({ config, logger }));
    opened.push(await startAggregator({ config, logger }));
    const run = await runTidings(['run', '--wait'], env);
    expect(run.code, run.stderr).toBe(0);

    const status = await runTidings(['status', '--json'], env);
    const parsed = StackStatusSchema.parse(JSON.parse(status.stdout));
    expect(parsed.redis).toBe(testRedisUrl());
    expect(parsed.workers.map((w) => w.kind).sort()).toEqual(['aggregator', 'classifier', 'loader']);
    expect(parsed.workers.find((w) => w.kind === 'classifier')).toMatchObject({ model: 'tiny-nli', dtype: 'fp32' });
    expect(parsed.workers.find((w) => w.kind === 'classifier')?.loadMs).toBeGreaterThan(0);
    expect(parsed.runs[0]?.counts.classified).toBe(12);
    expect(Date.parse(parsed.nextRunAt ?? '')).toBeGreaterThan(Date.now());
    expect(parsed.problems).toEqual([
      expect.objectContaining({ kind: 'feed-failing', where: path.join(FIXTURES, 'feeds/not-a-feed.xml') }),
    ]);
    expect(status.code).toBe(1);

    const screen = await runTidings(['status'], env);
    expect(screen.stdout).toMatch(/classifier +\S+ {2}tiny-nli \(fp32, loaded in \d+ ms, version [0-9a-f]{12}\)/);
    expect(screen.stdout).toMatch(/Problems \(1\):\n {2}feed-failing at /);
    expect(screen.stdout).toMatch(
      /^ {2}\S+ \S+ \S+ \S+ \S+ \(\S+\); last due \S+; last successful run manual-\S+, finished \S+$/m,
    );
  });

  it('a classifier whose model will not load exits and leaves the problem for status to show', async () => {
    const env = {
      REDIS_URL: testRedisUrl(),
      TIDINGS_PREFIX: testPrefix(),
      MODEL_DIR: path.join(ROOT, 'no-such-model'),
      LOG_LEVEL: 'silent',
    };
    const classifier = spawnService('classifier', env);
    expect((await classifier.exited).code).not.toBe(0);
    const status = await runTidings(['status', '--json'], env);
    expect(status.code).toBe(1);
    const { problems } = StackStatusSchema.parse(JSON.parse(status.stdout));
    expect(problems).toEqual([
      expect.objectContaining({ kind: 'model-unavailable', message: expect.stringContaining('no-such-model') }),
    ]);
  });
});

describe('the CLI beside a running stack', () => {
  it('uses the stack recorded in DATA_DIR, never the fallback Redis, even when one answers there', async () => {
    const decoyDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tidings-decoy-'));
    const decoy = await startRedisServer({ dir: decoyDir });
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tidings-beside-'));
    const env = {
      DATA_DIR: dataDir,
      REDIS_DEFAULT_URL: decoy.url,
      FEED_URLS: CNBC_FIXTURE,
      MODEL_DIR: TINY_MODEL_DIR,
      CLASSIFIER_THREADS: '1',
      DASHBOARD_PORT: String(await freePort()),
      DIGEST_CRON: '0 6 1 1 *',
    };
    const stack = spawn(process.execPath, [path.join(ROOT, 'apps/cli/dist/main.js'), 'start'], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
      stdio: 'ignore',
    });
    const decoyClient = createRedis(decoy.url);
    try {
      await waitFor(() => fs.existsSync(path.join(dataDir, 'stack.json')) || undefined, {
        what: 'stack.json',
        timeoutMs: 60_000,
      });
      const run = await runTidings(['run', '--wait', '--timeout', '120'], env);
      expect(run.code, run.stderr).toBe(0);
      expect(JSON.parse(run.stdout).run.counts.classified).toBe(12);
      expect(run.stderr).toMatch(
        /^tidings: using the Redis at redis:\/\/:\*\*\*\*@127\.0\.0\.1:\d+ \(the stack recorded in /,
      );
      expect(run.stderr).not.toContain(decoy.url);
      expect(await decoyClient.dbsize()).toBe(0);
    } finally {
      stack.kill('SIGTERM');
      await new Promise((r) => stack.once('exit', r));
      decoyClient.disconnect();
      await decoy.stop();
    }
  }, 240_000);
});
