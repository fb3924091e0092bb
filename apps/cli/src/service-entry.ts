import { type ChildProcess, type StdioOptions, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { SERVICES, type ServiceName } from '@tidings/shared';

const requireHere = createRequire(import.meta.url);

/**
 * A service's main module, found through its package ("<package>/main"), never by a path
 * into it. That export names only the compiled file (no "@tidings/source" condition), so even
 * a test process, which resolves packages to their sources, starts services on the build.
 */
export function serviceEntry(name: ServiceName): string {
  return requireHere.resolve(`${SERVICES[name].package}/main`);
}

export interface SpawnServiceOptions {
  env: NodeJS.ProcessEnv;
  cwd?: string;
  stdio?: StdioOptions;
}

/** One service as its own process, the way `tidings start`, the fault suite and the bench run them. */
export function spawnService(name: ServiceName, options: SpawnServiceOptions): ChildProcess {
  const nodeOptions = [options.env.NODE_OPTIONS, SERVICES[name].nodeOptions].filter(Boolean).join(' ');
  return spawn(process.execPath, [serviceEntry(name)], {
    cwd: options.cwd,
    env: nodeOptions ? { ...options.env, NODE_OPTIONS: nodeOptions } : options.env,
    stdio: options.stdio ?? ['ignore', 'pipe', 'pipe'],
  });
}
