import { spawn } from 'node:child_process';
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
 * `tidings <args>` as its own process, with only PATH, HOME and `env` in its environment.
 * Asynchronous, so services a test runs in its own process keep working meanwhile.
 */
export function runTidings(args: string[], env: Record<string, string>): Promise<CliResult> {
  const started = Date.now();
  const child = spawn(process.execPath, [CLI, ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
  });
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
