import fs from 'node:fs';
import path from 'node:path';
import { ensureModel } from '@tidings/classifier/ensure-model';
import { type Config, loadConfig } from '@tidings/contracts';
import { createLogger, type RedisServerHandle, startRedisServer } from '@tidings/runtime';
import { ROOT } from './paths.js';
import { type ServiceSpec, Supervisor } from './supervisor.js';

function serviceSpecs(config: Config): ServiceSpec[] {
  const classifiers = Array.from({ length: config.classifier.processes }, (_, i) => ({
    name: config.classifier.processes > 1 ? `classifier-${i + 1}` : 'classifier',
    service: 'classifier' as const,
  }));
  return [
    { name: 'loader', service: 'loader' },
    ...classifiers,
    { name: 'aggregator', service: 'aggregator' },
    { name: 'notifier', service: 'notifier' },
    { name: 'dashboard', service: 'dashboard' },
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
  // Once, before any classifier starts: N classifiers must not each download the model.
  await ensureModel(config.classifier, { logger });
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

export function stopOnSignals(stack: Stack): void {
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
