import { type ChildProcess, type StdioOptions, spawn } from 'node:child_process';
import { createRequire } from 'node:module';

export const SERVICE_NAMES = ['loader', 'classifier', 'aggregator', 'dashboard'] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

/** A service's main module, found through its package ("@tidings/<name>/main"), never by a path into it. */
export function serviceEntry(name: ServiceName): string {
  // createRequire rather than import.meta.resolve, which vitest's module runner lacks.
  return createRequire(import.meta.url).resolve(`@tidings/${name}/main`);
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
