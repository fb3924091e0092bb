import { type ChildProcess, type StdioOptions, spawn } from 'node:child_process';
import { createRequire } from 'node:module';

const requireHere = createRequire(import.meta.url);

export const SERVICE_NAMES = ['loader', 'classifier', 'aggregator', 'notifier', 'dashboard'] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

/** A service's main module, found through its package ("@tidings/<name>/main"), never by a path into it. */
export function serviceEntry(name: ServiceName): string {
  return requireHere.resolve(`@tidings/${name}/main`);
}

export interface SpawnServiceOptions {
  env: NodeJS.ProcessEnv;
  cwd?: string;
  stdio?: StdioOptions;
}

/** One service as its own process, the way `tidings start`, the fault suite and the bench run them. */
export function spawnService(name: ServiceName, options: SpawnServiceOptions): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', serviceEntry(name)], {
    cwd: options.cwd,
    env: options.env,
    stdio: options.stdio ?? ['ignore', 'pipe', 'pipe'],
  });
}
