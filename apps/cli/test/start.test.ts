import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { writeGeneratedFeed } from '@tidings/feed-fixtures';
import { readRunProgress, requestRun } from '@tidings/run-requests';
import { createRedis, freePort, liveWorkers } from '@tidings/runtime';
import { QUEUE, StackFileSchema } from '@tidings/shared';
import { processAlive, ROOT, startHubMirror, TINY_MODEL_DIR, waitFor } from '@tidings/testing';
import { TopicStoreReader } from '@tidings/topic-store';
import { Queue } from 'bullmq';
import { afterAll, describe, expect, it } from 'vitest';

const CLI = path.join(ROOT, 'apps/cli/dist/main.js');

/** Every stack a test started: a test that times out must not leave one running. */
const started: ChildProcess[] = [];
afterAll(async () => {
  for (const child of started) {
    if (child.exitCode !== null || child.signalCode !== null) continue;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    await exited;
    clearTimeout(timer);
  }
}, 60_000);

async function startTidings(env: Record<string, string>) {
  const child = spawn(process.execPath, [CLI, 'start'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  started.push(child);
  let output = '';
  child.stdout?.on('data', (d) => (output += d));
  child.stderr?.on('data', (d) => (output += d));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, exited, output: () => output };
}

function descendants(pid: number): number[] {
  const direct = spawnSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' })
    .stdout.split('\n')
    .filter(Boolean)
    .map(Number);
  return direct.flatMap((p) => [p, ...descendants(p)]);
}

async function stackEnv(articles: number, processes: number) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tidings-start-'));
  const port = await freePort();
  return {
    dataDir,
    env: {
      DATA_DIR: dataDir,
      REDIS_PORT: String(port),
      FEED_URLS: writeGeneratedFeed(path.join(dataDir, 'feed.xml'), articles),
      MODEL_DIR: TINY_MODEL_DIR,
      CLASSIFIER_PROCESSES: String(processes),
      CLASSIFIER_THREADS: '1',
      DASHBOARD_PORT: String(await freePort()),
      DIGEST_CRON: '0 6 1 1 *',
    },
  };
}

/** The stack's redis-server needs its password: found the way `tidings run` finds it, through stack.json. */
async function connect(dataDir: string) {
  const stackFile = path.join(dataDir, 'stack.json');
  await waitFor(() => fs.existsSync(stackFile) || undefined, { what: 'stack.json', timeoutMs: 20_000 });
  const recorded = StackFileSchema.parse(JSON.parse(fs.readFileSync(stackFile, 'utf8')));
  const url = new URL(recorded.redisUrl);
  url.password = fs.readFileSync(recorded.passwordFile, 'utf8').trim();
  const redis = createRedis(url.toString());
  // Until the child's redis-server listens, connection attempts fail; ioredis retries them.
  redis.on('error', () => {});
  const feeds = new Queue(QUEUE.runRequests, { connection: redis, prefix: 'tidings' });
  const aggregate = new Queue(QUEUE.aggregate, { connection: redis, prefix: 'tidings' });
  const classify = new Queue(QUEUE.classify, { connection: redis, prefix: 'tidings' });
  const store = new TopicStoreReader(redis, 'tidings');
  return {
    redis,
    feeds,
    aggregate,
    classify,
    store,
    close: async () => {
      for (const q of [feeds, aggregate, classify]) await q.close();
      redis.disconnect();
    },
  };
}

describe('tidings start', () => {
  it('runs N classifier processes that each take jobs of a run (the scaling contract)', async () => {
    const stack = await stackEnv(300, 3);
    const tidings = await startTidings(stack.env);
    try {
      await waitFor(async () => fs.existsSync(path.join(stack.dataDir, 'redis')) || undefined, {
        what: 'redis',
        timeoutMs: 20_000,
      });
      const q = await connect(stack.dataDir);
      await waitFor(async () => (await liveWorkers(q.redis, 'tidings')).length === 3, {
        what: '3 live classifiers',
        timeoutMs: 60_000,
      });
      const runId = await requestRun(q.feeds);
      const run = await waitFor(() => q.store.run(runId).then((r) => r ?? undefined), {
        what: 'the run',
        timeoutMs: 120_000,
      });
      expect(run.counts).toEqual({ fetched: 300, new: 300, classified: 300, failed: 0 });
      const jobs = await q.classify.getJobs(['completed'], 0, 400);
      const perWorker = new Map<string, number>();
      for (const j of jobs) perWorker.set(j.returnvalue.worker, (perWorker.get(j.returnvalue.worker) ?? 0) + 1);
      expect(perWorker.size).toBe(3);
      expect([...perWorker.values()].reduce((a, b) => a + b, 0)).toBe(300);
      expect(tidings.output()).toContain('dashboard at http://127.0.0.1:');
      await q.close();
    } finally {
      tidings.child.kill('SIGTERM');
      await tidings.exited;
    }
  });

  it('stops on SIGTERM mid-run with no orphan and no lost job; the next start finishes the run', async () => {
    const total = 1500;
    const stack = await stackEnv(total, 1);
    const first = await startTidings(stack.env);
    await waitFor(async () => fs.existsSync(path.join(stack.dataDir, 'redis')) || undefined, {
      what: 'redis',
      timeoutMs: 20_000,
    });
    let q = await connect(stack.dataDir);
    await waitFor(async () => (await liveWorkers(q.redis, 'tidings')).length === 1, {
      what: 'a live classifier',
      timeoutMs: 60_000,
    });
    const runId = await requestRun(q.feeds);
    const progress = await waitFor(
      async () => {
        const p = await readRunProgress(q.aggregate, q.redis, runId);
        // Every feed read (all articles enqueued) and the classifiers part-way through them.
        return p && p.feedsRead === p.feeds && p.classified > 50 && p.classified < total ? p : undefined;
      },
      { what: 'the run to be under way', timeoutMs: 60_000, intervalMs: 20 },
    );
    expect(progress.total).toBe(total);
    await q.close();

    const children = descendants(first.child.pid!);
    expect(children.length).toBeGreaterThanOrEqual(5);
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    await waitFor(() => children.every((pid) => !processAlive(pid)) || undefined, {
      what: 'every child to exit',
      timeoutMs: 10_000,
    });

    const second = await startTidings(stack.env);
    try {
      await waitFor(async () => fs.existsSync(path.join(stack.dataDir, 'redis')) || undefined, { what: 'redis' });
      q = await connect(stack.dataDir);
      const run = await waitFor(() => q.store.run(runId).then((r) => r ?? undefined), {
        what: 'the run to finish',
        timeoutMs: 120_000,
      });
      expect(run.counts).toEqual({ fetched: total, new: total, classified: total, failed: 0 });
      const grouped = run.topics.reduce((n, g) => n + g.count, 0);
      expect(grouped).toBe(total);
      // Every article once in the store (the run's record keeps only the newest of each topic).
      expect(new Set(await q.store.runArticleIds(runId)).size).toBe(total);
      expect(Object.values(await q.store.topicSizes()).reduce((a, b) => a + b, 0)).toBe(total);
      await q.close();
    } finally {
      second.child.kill('SIGTERM');
      expect(await second.exited).toBe(0);
    }
  });

  it('if the supervisor is SIGKILLed, its services exit; the next start stops the leftover redis-server', async () => {
    const stack = await stackEnv(1, 1);
    const first = await startTidings(stack.env);
    await waitFor(async () => fs.existsSync(path.join(stack.dataDir, 'redis/redis-server.pid')) || undefined, {
      what: 'redis',
    });
    const q = await connect(stack.dataDir);
    await waitFor(async () => (await liveWorkers(q.redis, 'tidings')).length === 1, {
      what: 'a live classifier',
      timeoutMs: 60_000,
    });
    await q.close();
    const redisPid = Number(fs.readFileSync(path.join(stack.dataDir, 'redis/redis-server.pid'), 'utf8'));
    const services = descendants(first.child.pid!).filter((pid) => pid !== redisPid);
    expect(services.length).toBeGreaterThanOrEqual(4);
    first.child.kill('SIGKILL');
    await first.exited;
    // Each service closes within its own shutdown deadline (30 s) and then exits even if its
    // logs have no reader any more; waiting past that deadline leaves timing out of the check.
    await waitFor(() => services.every((pid) => !processAlive(pid)) || undefined, {
      what: 'the services to exit',
      timeoutMs: 40_000,
    });
    expect(processAlive(redisPid)).toBe(true);

    const second = await startTidings(stack.env);
    try {
      await waitFor(() => !processAlive(redisPid) || undefined, {
        what: 'the leftover redis-server to stop',
        timeoutMs: 20_000,
      });
      const again = await connect(stack.dataDir);
      await waitFor(async () => (await liveWorkers(again.redis, 'tidings')).length === 1, {
        what: 'a live classifier',
        timeoutMs: 60_000,
      });
      await again.close();
    } finally {
      second.child.kill('SIGTERM');
      expect(await second.exited).toBe(0);
    }
  }, 240_000);

  it('says how to install redis-server when it is missing', async () => {
    const stack = await stackEnv(1, 1);
    const tidings = await startTidings({ ...stack.env, PATH: '/nonexistent' });
    const code = await tidings.exited;
    expect(code).toBe(1);
    expect(tidings.output().trim()).toBe(
      "tidings cli: redis-server is not installed; install it with 'apt-get install -y redis-server', or set REDIS_URL to a Redis server",
    );
  });

  it('gets MODEL_ID once, before any classifier starts, so N classifiers never download it', async () => {
    const mirror = await startHubMirror({ 'tidings/tiny-nli': TINY_MODEL_DIR }, { pieces: 10, pieceDelayMs: 200 });
    const stack = await stackEnv(1, 3);
    const { MODEL_DIR: _, ...env } = stack.env;
    const tidings = await startTidings({
      ...env,
      MODEL_ID: 'tidings/tiny-nli',
      HF_ENDPOINT: mirror.endpoint,
      LOG_LEVEL: 'info',
    });
    try {
      await waitFor(async () => fs.existsSync(path.join(stack.dataDir, 'redis')) || undefined, {
        what: 'redis',
        timeoutMs: 60_000,
      });
      const q = await connect(stack.dataDir);
      await waitFor(async () => (await liveWorkers(q.redis, 'tidings')).length === 3, {
        what: '3 live classifiers',
        timeoutMs: 120_000,
      });
      await q.close();
      const files = ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'onnx/model.onnx'];
      expect(mirror.requests()).toEqual(Object.fromEntries(files.map((f) => [`tidings/tiny-nli/${f}`, 1])));
      expect(fs.existsSync(path.join(stack.dataDir, 'models/tidings/tiny-nli/onnx/model.onnx_data'))).toBe(true);
      // A classifier started during the download would have found the lock taken and said so.
      expect(tidings.output()).not.toContain('waiting for pid');
      expect(tidings.output().match(/moved the weights of onnx\/model\.onnx/g)).toHaveLength(1);
    } finally {
      tidings.child.kill('SIGTERM');
      await tidings.exited;
      await mirror.close();
    }
  }, 240_000);
});
