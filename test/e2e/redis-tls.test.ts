import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startAggregator } from '@tidings/aggregator';
import { prepareModel, startClassifier } from '@tidings/classifier';
import { startLoader } from '@tidings/loader';
import { createLogger, createRedis, freePort } from '@tidings/runtime';
import { loadConfig } from '@tidings/shared';
import { CNBC_FIXTURE, makeTestCertificates, runTidings, TINY_MODEL_DIR, waitFor } from '@tidings/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const PASSWORD = 'tls-test-password-0123';

/**
 * Distribution for real: a Redis that speaks only TLS and wants a password, as a managed
 * Redis does. Every service and the CLI reach it through `rediss://` and REDIS_TLS_CA.
 */
describe('a TLS Redis with a password', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tidings-tls-'));
  const logger = createLogger('test', { level: 'silent' });
  const services: { close(): Promise<unknown> }[] = [];
  let server: ChildProcess;
  let env: Record<string, string>;

  beforeAll(async () => {
    const certs = makeTestCertificates(dir);
    const port = await freePort();
    // The plain port is off (0): only TLS clients get in.
    server = spawn(
      'redis-server',
      [
        '--port',
        '0',
        '--tls-port',
        String(port),
        '--tls-cert-file',
        certs.cert,
        '--tls-key-file',
        certs.key,
        '--tls-ca-cert-file',
        certs.ca,
        '--tls-auth-clients',
        'no',
        '--requirepass',
        PASSWORD,
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'no',
        '--dir',
        dir,
      ],
      { stdio: 'ignore' },
    );
    env = {
      REDIS_URL: `rediss://:${PASSWORD}@127.0.0.1:${port}`,
      REDIS_TLS_CA: certs.ca,
      TIDINGS_PREFIX: 'tls',
      FEED_URLS: CNBC_FIXTURE,
      MODEL_DIR: TINY_MODEL_DIR,
      CLASSIFIER_THREADS: '1',
      DATA_DIR: dir,
      LOG_LEVEL: 'silent',
    };
    const config = loadConfig(env);
    const probe = createRedis(config.redis, { maxRetriesPerRequest: 1 });
    probe.on('error', () => {});
    await waitFor(
      () =>
        probe.ping().then(
          (pong) => pong === 'PONG',
          () => false,
        ),
      { what: 'the TLS redis-server' },
    );
    probe.disconnect();
    const model = await prepareModel(config, logger);
    services.push(await startLoader({ config, logger }));
    services.push(await startClassifier({ config, logger, model }));
    services.push(await startAggregator({ config, logger }));
  });
  afterAll(async () => {
    for (const s of services.reverse()) await s.close();
    server?.kill('SIGTERM');
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const tidings = (args: string[], extra: Record<string, string> = {}) => runTidings(args, { ...env, ...extra });

  it('runs the pipeline, and the CLI starts and follows a run, with the password never shown', async () => {
    const run = await tidings(['run', '--wait']);
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout).run.counts.classified).toBe(12);
    expect(run.stderr).toContain('rediss://:****@127.0.0.1');
    expect(run.stdout + run.stderr).not.toContain(PASSWORD);

    const status = await tidings(['status', '--json']);
    expect(
      JSON.parse(status.stdout)
        .workers.map((w: { kind: string }) => w.kind)
        .sort(),
    ).toEqual(['aggregator', 'classifier', 'loader']);
  });

  it('refuses a server whose certificate it cannot trust, in one line', async () => {
    const untrusted = await tidings(['run'], { REDIS_TLS_CA: '' });
    expect(untrusted.code).toBe(1);
    expect(untrusted.stderr.trim()).toMatch(
      /^tidings cli: cannot reach Redis at rediss:\/\/:\*\*\*\*@127\.0\.0\.1:\d+ \(.*certificate/,
    );
  });
});
