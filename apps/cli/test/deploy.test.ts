import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ROOT } from '../../../test/harness.js';

interface ComposeService {
  image?: string;
  build?: { context: string; args: Record<string, string> };
  container_name?: string;
  ports?: string[];
  volumes?: string[];
  command?: string[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
  environment?: Record<string, string>;
  deploy?: { replicas?: number };
}
const compose = parse(fs.readFileSync(path.join(ROOT, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
  services: Record<string, ComposeService>;
  volumes: Record<string, unknown>;
};
const dockerfile = fs.readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8');
// CI installs Debian's docker-compose, so there the validation always runs.
const canValidate =
  Boolean(process.env.CI) || spawnSync('docker-compose', ['version'], { encoding: 'utf8' }).status === 0;

describe('docker-compose.yml', () => {
  const { classifier, redis, dashboard } = compose.services;

  it('lets the classifier scale: no container_name, no host port, a shared model cache, 2 replicas by default', () => {
    expect(classifier).toBeDefined();
    expect(classifier?.container_name).toBeUndefined();
    expect(classifier?.ports).toBeUndefined();
    expect(classifier?.volumes).toContain('model-cache:/models');
    expect(compose.volumes).toHaveProperty('model-cache');
    expect(classifier?.deploy?.replicas).toBe(2);
    expect(classifier?.depends_on).toEqual({ redis: { condition: 'service_healthy' } });
  });

  it('runs Redis with an append-only file on a named volume and a healthcheck', () => {
    expect(redis?.command).toEqual(expect.arrayContaining(['--appendonly', 'yes']));
    expect(redis?.volumes).toContain('redis-data:/data');
    expect(redis?.healthcheck?.test).toEqual(['CMD', 'redis-cli', 'ping']);
  });

  it('builds every service from the one Dockerfile and points it at the compose Redis', () => {
    for (const name of ['loader', 'classifier', 'aggregator', 'dashboard']) {
      const service = compose.services[name];
      expect(service?.build?.args.SERVICE, name).toBe(name);
      expect(service?.environment?.REDIS_URL, name).toBe('redis://redis:6379');
    }
  });

  it('publishes the dashboard on port 3000 and requires DASHBOARD_TOKEN from the environment', () => {
    expect(dashboard?.ports?.[0]).toMatch(/:3000$/);
    expect(dashboard?.environment?.DASHBOARD_TOKEN).toMatch(/^\$\{DASHBOARD_TOKEN:\?/);
  });

  it.runIf(canValidate)('validates with docker-compose config', () => {
    const ok = spawnSync('docker-compose', ['config', '-q'], {
      cwd: ROOT,
      env: { ...process.env, DASHBOARD_TOKEN: 'a-token-for-validation' },
      encoding: 'utf8',
    });
    expect(ok.stderr).toBe('');
    expect(ok.status).toBe(0);
    const missingToken = spawnSync('docker-compose', ['config', '-q'], {
      cwd: ROOT,
      env: { PATH: process.env.PATH },
      encoding: 'utf8',
    });
    expect(missingToken.status).not.toBe(0);
    expect(missingToken.stderr).toContain('set DASHBOARD_TOKEN');
  });
});

describe('Dockerfile', () => {
  it('is multi-stage, deploys one service with production dependencies only, and runs as a non-root user', () => {
    expect(dockerfile.match(/^FROM /gm)).toHaveLength(2);
    expect(dockerfile).toMatch(/deploy --legacy --prod/);
    expect(dockerfile).toMatch(/NODE_ENV=production/);
    expect(dockerfile).toMatch(/^USER 10001$/m);
    expect(dockerfile).toMatch(/VOLUME \["\/data", "\/models"\]/);
  });
});
