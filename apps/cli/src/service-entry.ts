import { type ChildProcess, type StdioOptions, spawn } from 'node:child_process';
import { createRequire } from 'node:module';

const requireHere = createRequire(import.meta.url);

export const SERVICE_NAMES = ['loader', 'classifier', 'aggregator', 'notifier', 'dashboard'] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

/**
 * A service's main module, found through its package ("@tidings/<name>/main"), never by a path
 * into it. That export names only the compiled file (no "@tidings/source" condition), so even
 * a test process, which resolves packages to their sources, starts services on the build.
 */
export function serviceEntry(name: ServiceName): string {
  return requireHere.resolve(`@tidings/${name}/main`);
}

export interface SpawnServiceOptions {
  env: NodeJS.ProcessEnv;
  cwd?: string;
  stdio?: StdioOptions;
}

/**
 * V8 settings per service, as NODE_OPTIONS (docker-compose.yml sets the same; a test keeps
 * them equal). The aggregator holds one page of a run (500 children) at a time, so its heap
 * is capped: uncapped, V8 grew it lazily to 237 MB of RSS on a 50 000-article run, capped
 * 128 MB at the same speed (docs/performance.md). The loader is not capped: FEED_CONCURRENCY
 * feeds of up to FETCH_MAX_BYTES each may be parsed at once, which a small cap would not hold.
 * A small young generation (V8's default lets it grow to 3 × 16 MB and keeps it) takes 8–20 MB
 * off every idle service; none of them allocates fast enough to need a larger one.
 */
export const SERVICE_NODE_OPTIONS: Partial<Record<ServiceName, string>> = {
  aggregator: '--max-old-space-size=96 --max-semi-space-size=2',
  loader: '--max-semi-space-size=1',
  notifier: '--max-semi-space-size=1',
  dashboard: '--max-semi-space-size=1',
};

/** One service as its own process, the way `tidings start`, the fault suite and the bench run them. */
export function spawnService(name: ServiceName, options: SpawnServiceOptions): ChildProcess {
  const nodeOptions = [options.env.NODE_OPTIONS, SERVICE_NODE_OPTIONS[name]].filter(Boolean).join(' ');
  return spawn(process.execPath, [serviceEntry(name)], {
    cwd: options.cwd,
    env: nodeOptions ? { ...options.env, NODE_OPTIONS: nodeOptions } : options.env,
    stdio: options.stdio ?? ['ignore', 'pipe', 'pipe'],
  });
}
