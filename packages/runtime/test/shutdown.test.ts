import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { processAlive, waitFor } from '@tidings/testing';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * A service whose supervisor is SIGKILLed must not linger as an orphan: real processes, an IPC
 * channel like the one `tidings start` opens, and a supervisor killed so it cannot say goodbye.
 */

const leftovers: number[] = [];
afterAll(() => {
  for (const pid of leftovers) if (processAlive(pid)) process.kill(pid, 'SIGKILL');
});

async function supervise(startMs: number, logLevel: string) {
  const supervisor = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(import.meta.dirname, 'fixtures/ipc-supervisor.ts')],
    {
      env: { PATH: process.env.PATH ?? '', START_MS: String(startMs), LOG_LEVEL: logLevel },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  let out = '';
  supervisor.stdout?.on('data', (d) => (out += d));
  const service = await waitFor(() => Number(/^pid (\d+)$/m.exec(out)?.[1]) || undefined, { what: 'the service pid' });
  leftovers.push(service);
  return { supervisor, service, output: () => out };
}

async function kill(supervisor: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => supervisor.once('exit', resolve));
  supervisor.kill('SIGKILL');
  await exited;
}

describe('a supervised service', () => {
  it('exits when its supervisor is SIGKILLed while it runs', async () => {
    const { supervisor, service, output } = await supervise(0, 'info');
    await waitFor(() => output().includes('slow-start ready') || undefined, { what: 'the service to start' });
    expect(processAlive(service)).toBe(true);
    await kill(supervisor);
    await waitFor(() => !processAlive(service) || undefined, { what: 'the service to exit', timeoutMs: 30_000 });
  });

  it('exits when its supervisor is SIGKILLed while it is still starting', async () => {
    // Quiet, as `tidings start` runs it at LOG_LEVEL=warn: no line of its own tells it the pipe is gone.
    const { supervisor, service } = await supervise(4_000, 'warn');
    expect(processAlive(service)).toBe(true);
    await kill(supervisor);
    await waitFor(() => !processAlive(service) || undefined, { what: 'the service to exit', timeoutMs: 30_000 });
  });
});
