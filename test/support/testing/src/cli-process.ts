import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { ROOT } from './paths.js';

const CLI = path.join(ROOT, 'apps/cli/dist/main.js');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/**
 * `command` (file first) as its own process, with only PATH, HOME and `env` in its
 * environment, to its end. Asynchronous, so services a test runs in its own process keep
 * working meanwhile; `onSpawn` gets the child, for a test that must kill it on the way out.
 */
export function runProcess(
  command: string[],
  env: Record<string, string>,
  { onSpawn }: { onSpawn?: (child: ChildProcess) => void } = {},
): Promise<CliResult> {
  const started = Date.now();
  const [file, ...args] = command;
  const child = spawn(file ?? '', args, {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  onSpawn?.(child);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString();
  });
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  return new Promise((resolve) =>
    child.on('exit', (code) => resolve({ code, stdout, stderr, ms: Date.now() - started })),
  );
}

/** `tidings <args>`, compiled, on plain node: see runProcess. */
export function runTidings(args: string[], env: Record<string, string>): Promise<CliResult> {
  return runProcess([process.execPath, CLI, ...args], env);
}
