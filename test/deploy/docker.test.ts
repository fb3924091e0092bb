import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { SERVICE_NAMES } from '@tidings/shared';
import { ROOT } from '@tidings/testing';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

interface ComposeService {
  image?: string;
  build?: { context: string; args: Record<string, string> };
  container_name?: string;
  ports?: string[];
  volumes?: string[];
  command?: string[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[]; interval?: string; retries?: number };
  environment?: Record<string, string>;
  deploy?: { replicas?: number };
}
interface Compose {
  services: Record<string, ComposeService>;
  volumes: Record<string, unknown>;
}
const readCompose = (file: string) => parse(fs.readFileSync(path.join(ROOT, file), 'utf8'), { merge: true }) as Compose;
const compose = readCompose('docker-compose.yml');
const demo = readCompose('docker-compose.demo.yml');
const dockerfile = fs.readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8');
// CI installs Debian's docker-compose, so there the validation always runs.
const canValidate =
  Boolean(process.env.CI) || spawnSync('docker-compose', ['version'], { encoding: 'utf8' }).status === 0;

const APP_SERVICES = [...SERVICE_NAMES].sort();

/** Named volumes a service mounts ("name:/path[:mode]"), not bind mounts. */
const namedVolumes = (service: ComposeService | undefined) =>
  (service?.volumes ?? []).map((v) => v.split(':')[0] ?? '').filter((name) => /^[A-Za-z0-9][\w.-]*$/.test(name));

function checkComposeStructure(c: Compose): void {
  expect(Object.keys(c.services).sort()).toEqual([...APP_SERVICES, 'redis'].sort());
  const { classifier, redis, dashboard } = c.services;

  // --scale classifier=N needs containers compose can name itself and no host port to share.
  expect(classifier?.container_name).toBeUndefined();
  expect(classifier?.ports).toBeUndefined();
  expect(classifier?.deploy?.replicas).toBe(2);
  expect(namedVolumes(classifier)).toEqual(['model-cache']);
  expect(classifier?.volumes?.[0]).toMatch(/^model-cache:\/models(:rw)?$/);
  expect(classifier?.environment?.MODEL_CACHE_DIR).toBe('/models');

  expect(redis?.command).toEqual(expect.arrayContaining(['--appendonly', 'yes']));
  expect(redis?.volumes?.[0]).toMatch(/^redis-data:\/data(:rw)?$/);
  expect(redis?.healthcheck?.test).toEqual(['CMD', 'redis-cli', 'ping']);
  expect(redis?.ports).toBeUndefined();

  for (const name of APP_SERVICES) {
    const service = c.services[name];
    expect(service?.build?.args.SERVICE, name).toBe(name);
    expect(service?.container_name, name).toBeUndefined();
    expect(service?.environment?.REDIS_URL, name).toBe('redis://redis:6379');
    expect(service?.depends_on, name).toEqual({ redis: { condition: 'service_healthy' } });
    // Only the dashboard is published on the host.
    if (name !== 'dashboard') expect(service?.ports, name).toBeUndefined();
  }
  expect(dashboard?.ports).toHaveLength(1);
  expect(dashboard?.ports?.[0]).toMatch(/:3000(\/tcp)?$/);

  // Every named volume a service mounts is declared, and every declared one is used.
  const used = new Set(Object.values(c.services).flatMap(namedVolumes));
  expect([...used].sort()).toEqual(Object.keys(c.volumes ?? {}).sort());
  expect(namedVolumes(c.services.aggregator)).toEqual(['snapshots']);
  expect(c.services.aggregator?.environment?.DATA_DIR).toBe('/data');
}

describe('docker-compose.yml', () => {
  it('has redis and the five services, a classifier that scales, a healthy redis first, and declared volumes', () => {
    checkComposeStructure(compose);
  });

  it('passes DASHBOARD_TOKEN through without requiring it for every compose command', () => {
    // The dashboard itself refuses to start off loopback without a token; ps, logs and down need none.
    expect(compose.services.dashboard?.environment?.DASHBOARD_TOKEN).toMatch(/^\$\{DASHBOARD_TOKEN:-\}$/);
    expect(fs.readFileSync(path.join(ROOT, 'docker-compose.yml'), 'utf8')).not.toMatch(/\$\{[A-Z_]+:\?/);
  });

  it.runIf(canValidate)('validates with docker-compose config, and its resolved form has the same structure', () => {
    const ok = spawnSync('docker-compose', ['config'], {
      cwd: ROOT,
      env: { PATH: process.env.PATH, DASHBOARD_TOKEN: 'a-token-for-validation' },
      encoding: 'utf8',
    });
    expect(ok.stderr).toBe('');
    expect(ok.status).toBe(0);
    // The resolved file has the anchors merged and the ${...} defaults filled in.
    const resolved = parse(ok.stdout) as Compose;
    checkComposeStructure(resolved);
    expect(resolved.services.dashboard?.environment?.DASHBOARD_TOKEN).toBe('a-token-for-validation');
    for (const name of APP_SERVICES) expect(resolved.services[name]?.environment?.TIDINGS_PREFIX, name).toBe('tidings');

    const noToken = spawnSync('docker-compose', ['config', '-q'], {
      cwd: ROOT,
      env: { PATH: process.env.PATH },
      encoding: 'utf8',
    });
    expect(noToken.stderr).toBe('');
    expect(noToken.status).toBe(0);
  });
});

/** "source:target[:mode]" of a bind mount, the source relative to the repository. */
function bindMount(service: ComposeService | undefined, target: string) {
  const volume = service?.volumes?.find((v) => v.split(':')[1] === target);
  expect(volume, `no volume at ${target}`).toBeDefined();
  const [source = '', , mode] = volume!.split(':');
  return { source, mode };
}

describe('docker-compose.demo.yml (the offline demo override)', () => {
  it('overrides only services of docker-compose.yml and adds no ports or named volumes', () => {
    for (const [name, service] of Object.entries(demo.services)) {
      expect(compose.services[name], name).toBeDefined();
      expect(service.ports, name).toBeUndefined();
      expect(namedVolumes(service), name).toEqual([]);
    }
  });

  it('reads the fixture feed, mounted read-only, as an operator-named local file', () => {
    const loader = demo.services.loader;
    const feed = loader?.environment?.FEED_URLS ?? '';
    expect(feed).toMatch(/^\//);
    const { source, mode } = bindMount(loader, feed);
    expect(mode).toBe('ro');
    expect(source).toBe('./fixtures/feeds/cnbc-finance.xml');
    expect(fs.statSync(path.join(ROOT, source)).isFile()).toBe(true);
  });

  it('classifies with the tiny model, mounted read-only, and never downloads one', () => {
    const classifier = demo.services.classifier;
    const dir = classifier?.environment?.MODEL_DIR ?? '';
    const { source, mode } = bindMount(classifier, dir);
    expect(mode).toBe('ro');
    expect(source).toBe('./services/classifier/models/tiny-nli');
    expect(fs.existsSync(path.join(ROOT, source, 'onnx/model.onnx'))).toBe(true);
    expect(fs.existsSync(path.join(ROOT, source, 'tokenizer.json'))).toBe(true);
    expect(classifier?.environment?.ALLOW_REMOTE_MODELS).toBe('false');
  });

  it('defaults the dashboard token to a value marked as a demo value, which the environment overrides', () => {
    const token = demo.services.dashboard?.environment?.DASHBOARD_TOKEN ?? '';
    const fallback = /^\$\{DASHBOARD_TOKEN:-([^}]+)\}$/.exec(token)?.[1] ?? '';
    expect(fallback.length).toBeGreaterThanOrEqual(16);
    expect(fallback).toMatch(/demo/);
    expect(fs.readFileSync(path.join(ROOT, 'docker-compose.demo.yml'), 'utf8')).toMatch(/DEMO VALUE, NOT A SECRET/);
  });

  it.runIf(canValidate)('validates on top of docker-compose.yml, and the merged file keeps its structure', () => {
    const merged = spawnSync(
      'docker-compose',
      ['-f', 'docker-compose.yml', '-f', 'docker-compose.demo.yml', 'config'],
      {
        cwd: ROOT,
        env: { PATH: process.env.PATH },
        encoding: 'utf8',
      },
    );
    expect(merged.stderr).toBe('');
    expect(merged.status).toBe(0);
    const resolved = parse(merged.stdout) as Compose;
    checkComposeStructure(resolved);
    const { loader, classifier, dashboard } = resolved.services;
    expect(loader?.environment?.FEED_URLS).toBe('/fixtures/feeds/cnbc-finance.xml');
    expect(loader?.volumes).toContain(
      `${path.join(ROOT, 'fixtures/feeds/cnbc-finance.xml')}:/fixtures/feeds/cnbc-finance.xml:ro`,
    );
    expect(classifier?.environment?.MODEL_DIR).toBe('/tiny-nli');
    expect(classifier?.environment?.ALLOW_REMOTE_MODELS).toBe('false');
    expect(classifier?.environment?.MODEL_CACHE_DIR).toBe('/models');
    expect(dashboard?.environment?.DASHBOARD_TOKEN).toBe('demo-token-not-a-secret');
  });
});

/** Workspace package folders, from pnpm-workspace.yaml's globs ("dir/*" or a plain folder). */
function workspacePackages(): string[] {
  const { packages } = parse(fs.readFileSync(path.join(ROOT, 'pnpm-workspace.yaml'), 'utf8')) as {
    packages: string[];
  };
  return packages
    .flatMap((glob) => {
      if (glob.endsWith('/*')) {
        const parent = glob.slice(0, -2);
        expect(parent, `unsupported workspace glob ${glob}`).not.toMatch(/[*?[{!]/);
        return fs.readdirSync(path.join(ROOT, parent)).map((name) => `${parent}/${name}`);
      }
      expect(glob, `unsupported workspace glob ${glob}`).not.toMatch(/[*?[{!]/);
      return [glob];
    })
    .filter((dir) => fs.existsSync(path.join(ROOT, dir, 'package.json')))
    .sort();
}

interface Manifest {
  name: string;
  dependencies?: Record<string, string>;
}
const manifestOf = (dir: string) =>
  JSON.parse(fs.readFileSync(path.join(ROOT, dir, 'package.json'), 'utf8')) as Manifest;

/** The workspace folders a package needs at run time: itself and its workspace dependencies, transitively. */
function runtimeClosure(dir: string, byName: Map<string, string>): string[] {
  const needed = new Set<string>();
  const visit = (d: string) => {
    if (needed.has(d)) return;
    needed.add(d);
    for (const [dep, version] of Object.entries(manifestOf(d).dependencies ?? {})) {
      if (!version.startsWith('workspace:')) continue;
      const depDir = byName.get(dep);
      expect(depDir, `${d} depends on ${dep}, which is not in the workspace`).toBeDefined();
      visit(depDir!);
    }
  };
  visit(dir);
  return [...needed].sort();
}

interface Instruction {
  op: string;
  args: string[];
  text: string;
}

/** The instructions of the Dockerfile's first (build) stage, continuation lines joined. */
function buildStage(): Instruction[] {
  const joined = dockerfile.replace(/\\\n/g, ' ');
  const instructions = joined
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((text) => {
      const [op = '', ...args] = text.split(/\s+/);
      return { op: op.toUpperCase(), args, text };
    });
  const stages = instructions.flatMap((ins, i) => (ins.op === 'FROM' ? [i] : []));
  return instructions.slice(stages[0], stages[1]);
}

const norm = (p: string) => path.posix.normalize(p).replace(/\/$/, '').replace(/^\.$/, '');

/** The files and folders a COPY puts in the image, each as [repo path, path under WORKDIR]. */
function copied(ins: Instruction): [string, string][] {
  const args = ins.args.filter((a) => !a.startsWith('--'));
  const dest = args.at(-1) ?? '';
  return args.slice(0, -1).map((src) => {
    const isDir = fs.existsSync(path.join(ROOT, src)) && fs.statSync(path.join(ROOT, src)).isDirectory();
    const target = isDir || !dest.endsWith('/') ? dest : path.posix.join(dest, path.posix.basename(src));
    return [norm(src), norm(target)];
  });
}

describe('Dockerfile', () => {
  const stage = buildStage();
  const copies = stage.filter((ins) => ins.op === 'COPY' && !ins.args.some((a) => a.startsWith('--from')));
  const fetchAt = stage.findIndex((ins) => ins.op === 'RUN' && /pnpm fetch --frozen-lockfile/.test(ins.text));
  const deployAt = stage.findIndex(
    (ins) =>
      ins.op === 'RUN' &&
      /pnpm install --offline --frozen-lockfile --prod --ignore-scripts --filter-prod "@tidings\/\$\{SERVICE\}\.\.\."/.test(
        ins.text,
      ),
  );
  const copiedBefore = (at: number) => copies.filter((ins) => stage.indexOf(ins) < at).flatMap(copied);
  const dirs = workspacePackages();
  const byName = new Map(dirs.map((dir) => [manifestOf(dir).name, dir]));

  it('reads the workspace from pnpm-workspace.yaml', () => {
    expect(dirs).toEqual(expect.arrayContaining(['packages/shared', 'services/loader', 'apps/cli']));
    expect(byName.get('@tidings/runtime')).toBe('packages/runtime');
  });

  it('copies only paths that exist, each to the same path in the image', () => {
    expect(copies.length).toBeGreaterThan(0);
    for (const [src, target] of copies.flatMap(copied)) {
      expect(fs.existsSync(path.join(ROOT, src)), `COPY ${src}: no such path in the repository`).toBe(true);
      expect(target, `COPY ${src} lands at ${target}`).toBe(src);
    }
  });

  it("copies the lockfile and every workspace package's package.json before pnpm fetch", () => {
    expect(fetchAt).toBeGreaterThan(-1);
    const manifests = copiedBefore(fetchAt).map(([src]) => src);
    expect(manifests).toEqual(expect.arrayContaining(['package.json', 'pnpm-lock.yaml', 'pnpm-workspace.yaml']));
    const packageJsons = manifests.filter((src) => src.endsWith('/package.json')).sort();
    expect(packageJsons).toEqual(dirs.map((dir) => `${dir}/package.json`));
    // Only manifests before the dependency layer, so a code change does not refetch.
    expect(manifests.every((src) => /(^|\/)(package\.json|pnpm-lock\.yaml|pnpm-workspace\.yaml)$/.test(src))).toBe(
      true,
    );
  });

  it.each(APP_SERVICES)('has every workspace package %s needs at run time before it deploys it', (service) => {
    expect(deployAt).toBeGreaterThan(fetchAt);
    expect(compose.services[service]?.build?.args.SERVICE).toBe(service);
    const dir = byName.get(`@tidings/${service}`);
    expect(dir, `no workspace package @tidings/${service}`).toBeDefined();
    const sources = copiedBefore(deployAt).map(([src]) => src);
    for (const needed of runtimeClosure(dir!, byName)) {
      const covered = sources.some((src) => src === needed || needed.startsWith(`${src}/`));
      expect(covered, `${service} needs ${needed}, which no COPY before the deploy brings in`).toBe(true);
    }
  });

  it('reaches the registry only with its settings as build secrets, never copied into a layer', () => {
    const registrySteps = stage.filter((ins) => ins.op === 'RUN' && /npm install -g|pnpm fetch/.test(ins.text));
    expect(registrySteps).toHaveLength(2);
    for (const ins of registrySteps) {
      expect(ins.text).toContain('--mount=type=secret,id=npmrc');
      expect(ins.text).toContain('--mount=type=secret,id=npm_ca');
      expect(ins.text).toContain('NPM_CONFIG_CAFILE=/run/secrets/npm_ca');
    }
    expect(dockerfile).not.toMatch(/^(COPY|ADD)\b.*npmrc/im);
    expect(dockerfile).not.toMatch(/^(ARG|ENV)\b.*(TOKEN|_auth)/im);
    const ignored = fs.readFileSync(path.join(ROOT, '.dockerignore'), 'utf8').split('\n');
    expect(ignored).toEqual(expect.arrayContaining(['.npmrc', '**/.npmrc']));
  });

  it('resolves nothing after pnpm fetch: every later install is offline and frozen to the lockfile', () => {
    const installs = stage.filter((ins) => ins.op === 'RUN' && /pnpm install/.test(ins.text));
    expect(installs.length).toBeGreaterThan(0);
    for (const ins of installs) {
      expect(stage.indexOf(ins)).toBeGreaterThan(fetchAt);
      for (const install of ins.text.match(/pnpm install[^&]*/g) ?? []) {
        expect(install).toContain('--offline');
        expect(install).toContain('--frozen-lockfile');
      }
    }
    expect(dockerfile).not.toMatch(/\bdeploy\b.*--legacy|pnpm (add|update|up)\b/);
  });

  it('runs the compiled service on plain node, with a health check, and never tsx', () => {
    expect(dockerfile).toMatch(/^CMD \["node", "service\.js"\]$/m);
    expect(dockerfile).toMatch(/^HEALTHCHECK .*CMD \["node", "scripts\/container-healthcheck\.mjs"\]$/m);
    expect(dockerfile).not.toMatch(/tsx/);
  });

  it('is multi-stage, installs one service with production dependencies only, and runs as a non-root user', () => {
    expect(dockerfile.match(/^FROM /gm)).toHaveLength(2);
    expect(stage[deployAt]?.text).toMatch(/cd \/out && pnpm install .*--prod/);
    expect(dockerfile).toMatch(/NODE_ENV=production/);
    expect(dockerfile).toMatch(/^USER 10001$/m);
    expect(dockerfile).toMatch(/VOLUME \["\/data", "\/models"\]/);
  });
});
