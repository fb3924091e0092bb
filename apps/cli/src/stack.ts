import fs from 'node:fs';
import path from 'node:path';
import { ensureModel } from '@tidings/model-tools';
import { createLogger, type RedisServerHandle, readSecretFile, startRedisServer } from '@tidings/runtime';
import { type Config, loadConfig, SERVICE_NAMES } from '@tidings/shared';
import { ROOT } from './paths.js';
import { redisPasswordFile, removeStackFile, writeStackFile } from './stack-file.js';
import { type ServiceSpec, Supervisor } from './supervisor.js';

/** Every service of the registry, the classifier as CLASSIFIER_PROCESSES processes. */
export function serviceSpecs(config: Config): ServiceSpec[] {
  return SERVICE_NAMES.flatMap((service) => {
    const copies = service === 'classifier' ? config.classifier.processes : 1;
    return Array.from({ length: copies }, (_, i) => ({ name: copies > 1 ? `${service}-${i + 1}` : service, service }));
  });
}

export interface Stack {
  config: Config;
  url: string;
  supervisor: Supervisor;
  redis: RedisServerHandle | undefined;
  /** Resolves with a service's one-line reason if one exits because it cannot start as configured. */
  configError: Promise<string>;
  stop(): Promise<void>;
}

/** Starts redis-server (when nothing names a Redis) and every service; resolves once all are spawned. */
export async function startStack(env: NodeJS.ProcessEnv): Promise<Stack> {
  const config = loadConfig(env);
  const logger = createLogger('tidings', { level: config.logLevel });
  fs.mkdirSync(config.dataDir, { recursive: true });
  // Once, before any classifier starts: N classifiers must not each download the model.
  await ensureModel(config.classifier, { logger });
  let redis: RedisServerHandle | undefined;
  let redisEnv: NodeJS.ProcessEnv = {};
  if (config.redis.embedded) {
    // Loopback is not private on a shared host: every local user could read and write the queues.
    const passwordFile = redisPasswordFile(config.dataDir);
    redis = await startRedisServer({
      port: config.redis.embeddedPort,
      dir: path.join(config.dataDir, 'redis'),
      appendOnly: true,
      password: readSecretFile(passwordFile, { create: true }),
    });
    redisEnv = { REDIS_URL: redis.url };
    writeStackFile(config.dataDir, { redisUrl: `redis://127.0.0.1:${redis.port}`, passwordFile });
    logger.info({ port: redis.port, dir: path.join(config.dataDir, 'redis') }, 'started a private redis-server');
  }
  const childEnv = { ...env, ...redisEnv, DATA_DIR: config.dataDir, LOG_LEVEL: config.logLevel };
  const effective = loadConfig(childEnv);
  let reportConfigError: (line: string) => void = () => {};
  const configError = new Promise<string>((resolve) => {
    reportConfigError = resolve;
  });
  const supervisor = new Supervisor(serviceSpecs(effective), {
    cwd: ROOT,
    env: childEnv,
    logger,
    onConfigError: (_service, line) => reportConfigError(line),
  });
  supervisor.start();
  const host = effective.dashboard.host.includes(':') ? `[${effective.dashboard.host}]` : effective.dashboard.host;
  const url = `http://${host}:${effective.dashboard.port}/`;
  let stopped: Promise<void> | undefined;
  const stop = () => {
    stopped ??= (async () => {
      await supervisor.stop();
      await redis?.stop();
      if (redis) removeStackFile(effective.dataDir);
    })();
    return stopped;
  };
  return { config: effective, url, supervisor, redis, configError, stop };
}

/**
 * Stops everything on SIGINT/SIGTERM (exit 0), or when a service cannot start as configured:
 * then its one line is the last thing printed and the exit code is 1.
 */
export function stopOnSignals(stack: Stack): void {
  void stack.configError.then(async (line) => {
    await stack.stop();
    process.stderr.write(`${line}\n`);
    process.exit(1);
  });
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
