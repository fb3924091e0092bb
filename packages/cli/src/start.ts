import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { enqueueRun } from '@tidings/loader';
import {
  type Config,
  createLogger,
  freePort,
  loadConfig,
  type RedisServerHandle,
  startRedisServer,
} from '@tidings/shared';
import { withQueues } from './commands.js';
import { formatTopicGroups } from './format-digest.js';
import { type ServiceSpec, Supervisor } from './supervisor.js';
import { waitForRun } from './wait-for-run.js';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const DEMO_FEED = path.join(ROOT, 'fixtures/feeds/cnbc-finance.xml');
export const TINY_MODEL_DIR = path.join(ROOT, 'services/classifier/models/tiny-nli');

function serviceSpecs(config: Config): ServiceSpec[] {
  const entry = (service: string) => path.join(ROOT, 'services', service, 'src/main.ts');
  const classifiers = Array.from({ length: config.classifier.processes }, (_, i) => ({
    name: config.classifier.processes > 1 ? `classifier-${i + 1}` : 'classifier',
    entry: entry('classifier'),
  }));
  return [
    { name: 'loader', entry: entry('loader') },
    ...classifiers,
    { name: 'aggregator', entry: entry('aggregator') },
    { name: 'dashboard', entry: entry('dashboard') },
  ];
}

export interface Stack {
  config: Config;
  url: string;
  supervisor: Supervisor;
  redis: RedisServerHandle | undefined;
  stop(): Promise<void>;
}

/** Starts redis-server (when REDIS_URL is unset) and every service; resolves once all are spawned. */
export async function startStack(env: NodeJS.ProcessEnv): Promise<Stack> {
  const config = loadConfig(env);
  const logger = createLogger('tidings', { level: config.logLevel });
  fs.mkdirSync(config.dataDir, { recursive: true });
  let redis: RedisServerHandle | undefined;
  let redisUrl = config.redis.url;
  if (config.redis.embedded) {
    redis = await startRedisServer({
      port: config.redis.embeddedPort,
      dir: path.join(config.dataDir, 'redis'),
      appendOnly: true,
    });
    redisUrl = redis.url;
    logger.info({ port: redis.port, dir: path.join(config.dataDir, 'redis') }, 'started a private redis-server');
  }
  const childEnv = { ...env, REDIS_URL: redisUrl, DATA_DIR: config.dataDir, LOG_LEVEL: config.logLevel };
  const effective = loadConfig(childEnv);
  const supervisor = new Supervisor(serviceSpecs(effective), { cwd: ROOT, env: childEnv, logger });
  supervisor.start();
  const host = effective.dashboard.host.includes(':') ? `[${effective.dashboard.host}]` : effective.dashboard.host;
  const url = `http://${host}:${effective.dashboard.port}/`;
  let stopped: Promise<void> | undefined;
  const stop = () => {
    stopped ??= (async () => {
      await supervisor.stop();
      await redis?.stop();
    })();
    return stopped;
  };
  return { config: effective, url, supervisor, redis, stop };
}

function stopOnSignals(stack: Stack): void {
  let signalled = false;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (signalled) process.exit(1);
      signalled = true;
      process.stderr.write(`\ntidings: ${signal}: stopping every service (workers finish their jobs)...\n`);
      void stack.stop().then(() => process.exit(0));
    });
  }
}

export async function startCommand(): Promise<void> {
  const stack = await startStack(process.env);
  stopOnSignals(stack);
  process.stderr.write(`tidings is running: dashboard at ${stack.url} (Ctrl-C stops everything)\n`);
}

/** The demo: everything offline on the fixture feed and the tiny test model. */
export async function demoCommand(flags: { once: boolean; port?: string }): Promise<void> {
  const port = flags.port ?? process.env.DASHBOARD_PORT ?? String(await preferredPort(3000));
  const stack = await startStack({
    ...process.env,
    FEED_URLS: DEMO_FEED,
    MODEL_DIR: TINY_MODEL_DIR,
    DATA_DIR: process.env.DATA_DIR ?? path.join(ROOT, 'data/demo'),
    DASHBOARD_PORT: port,
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
  });
  stopOnSignals(stack);
  try {
    await withQueues(stack.config, async ({ feeds, aggregate, store }) => {
      const runId = await enqueueRun(feeds, { reclassify: true });
      process.stderr.write(
        `tidings demo: run ${runId} on ${path.relative(process.cwd(), DEMO_FEED)} with the tiny test model\n`,
      );
      const run = await waitForRun(runId, { store, aggregateQueue: aggregate, timeoutMs: 180_000 });
      const digest = await store.digest({ hours: stack.config.aggregator.windowHours });
      process.stdout.write(
        `\nDigest: ${run.counts.classified} classified, ${run.counts.failed} failed; articles of the ${digest.windowHours} h up to ${digest.to}\n\n`,
      );
      process.stdout.write(formatTopicGroups(digest.topics));
      process.stdout.write(`Snapshot: ${path.join(stack.config.dataDir, 'latest.json')}\n`);
    });
  } catch (err) {
    await stack.stop();
    throw err;
  }
  if (flags.once) {
    await stack.stop();
    process.exit(0);
  }
  process.stdout.write(`Dashboard: ${stack.url} (Ctrl-C stops everything)\n`);
}

async function preferredPort(port: number): Promise<number> {
  const net = await import('node:net');
  return await new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => void freePort().then(resolve));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(port)));
  });
}
