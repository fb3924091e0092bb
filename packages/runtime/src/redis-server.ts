import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { RedisServerMissingError } from '@tidings/shared';
import { Redis } from 'ioredis';
import { freePort } from './free-port.js';

export interface RedisServerOptions {
  /** 0 picks a free port. */
  port?: number;
  dir: string;
  appendOnly?: boolean;
  bin?: string;
  startTimeoutMs?: number;
  /**
   * Clients must AUTH with it. Given to redis-server on its stdin as configuration, never as
   * an argument, since every user on the host can read a process's command line.
   */
  password?: string;
}

export interface RedisServerHandle {
  /** With the password when there is one: what clients connect with. Never log it. */
  url: string;
  port: number;
  process: ChildProcess;
  stop(): Promise<void>;
}

/**
 * A redis-server left running on this data directory by a supervisor that was killed (it has
 * no IPC channel to notice): stop it, so two servers never share one append-only file.
 */
async function stopLeftoverServer(pidFile: string): Promise<void> {
  let pid: number;
  try {
    pid = Number(fs.readFileSync(pidFile, 'utf8').trim());
  } catch {
    return;
  }
  const alive = () => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  if (!Number.isInteger(pid) || pid <= 0 || !alive()) return;
  let command = '';
  try {
    command = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return;
  }
  // The pid may have been reused by an unrelated process since the file was written.
  if (!command.includes('redis-server')) return;
  process.kill(pid, 'SIGTERM');
  for (let i = 0; i < 100 && alive(); i++) await new Promise((r) => setTimeout(r, 50));
}

/** A private redis-server child on loopback: for `tidings start` and for the test suite. */
export async function startRedisServer(options: RedisServerOptions): Promise<RedisServerHandle> {
  const { dir, appendOnly = false, bin = 'redis-server', startTimeoutMs = 10_000 } = options;
  const port = options.port && options.port > 0 ? options.port : await freePort();
  fs.mkdirSync(dir, { recursive: true });
  const pidFile = path.join(dir, 'redis-server.pid');
  await stopLeftoverServer(pidFile);
  const args = [
    '--pidfile',
    pidFile,
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--dir',
    dir,
    '--save',
    '',
    '--appendonly',
    appendOnly ? 'yes' : 'no',
    '--protected-mode',
    'yes',
  ];
  const { password } = options;
  if (password !== undefined && !/^[A-Za-z0-9_-]{16,}$/.test(password)) {
    // A password is written into redis-server's configuration: anything but these characters would need quoting.
    throw new Error('the redis-server password must be 16 or more letters, digits, - or _');
  }
  // "-" makes redis-server read configuration from stdin before the arguments.
  const child = spawn(bin, password === undefined ? args : ['-', ...args], {
    stdio: [password === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
  });
  child.stdin?.on('error', () => {});
  child.stdin?.end(`requirepass ${password}\n`);
  const output: string[] = [];
  child.stdout?.on('data', (d: Buffer) => output.push(d.toString()));
  child.stderr?.on('data', (d: Buffer) => output.push(d.toString()));

  await new Promise<void>((resolve, reject) => {
    child.once('error', (err: NodeJS.ErrnoException) =>
      reject(err.code === 'ENOENT' ? new RedisServerMissingError(bin) : err),
    );
    child.once('spawn', () => resolve());
  });

  const url = password === undefined ? `redis://127.0.0.1:${port}` : `redis://:${password}@127.0.0.1:${port}`;
  const deadline = Date.now() + startTimeoutMs;
  for (;;) {
    if (child.exitCode !== null) {
      throw new Error(`redis-server exited with code ${child.exitCode}: ${output.join('').trim().slice(-500)}`);
    }
    const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    probe.on('error', () => {});
    try {
      await probe.connect();
      await probe.ping();
      probe.disconnect();
      break;
    } catch {
      probe.disconnect();
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`redis-server did not answer on port ${port} within ${startTimeoutMs} ms`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  return {
    url,
    port,
    process: child,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
