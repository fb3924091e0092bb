import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Redis } from 'ioredis';
import { RedisPasswordError } from './errors/redis-password-error.js';
import { RedisServerDirError } from './errors/redis-server-dir-error.js';
import { RedisServerFailedError } from './errors/redis-server-failed-error.js';
import { RedisServerMissingError } from './errors/redis-server-missing-error.js';
import { RedisServerPortTakenError } from './errors/redis-server-port-taken-error.js';
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

/** The end of redis-server's output, where it says why it stopped. */
function lastLines(output: string): string {
  return output.trim().slice(-500);
}

/** What redis-server's exit while starting means, in the terms of what to change. */
function startFailure(exitCode: number, output: string, port: number, dir: string) {
  if (/Address already in use/i.test(output)) return new RedisServerPortTakenError(port);
  const chdir = /Can't chdir to '[^']*': (.+)/.exec(output);
  if (chdir) return new RedisServerDirError(dir, chdir[1]?.trim() ?? 'cannot enter it');
  return new RedisServerFailedError(`exited with code ${exitCode}`, lastLines(output));
}

/** A private redis-server child on loopback: for `tidings start` and for the test suite. */
export async function startRedisServer(options: RedisServerOptions): Promise<RedisServerHandle> {
  const { dir, appendOnly = false, bin = 'redis-server', startTimeoutMs = 10_000, password } = options;
  if (password !== undefined && !/^[A-Za-z0-9_-]{16,}$/.test(password)) {
    // A password is written into redis-server's configuration: anything but these characters would need quoting.
    throw new RedisPasswordError();
  }
  const port = options.port && options.port > 0 ? options.port : await freePort();
  try {
    fs.mkdirSync(dir, { recursive: true });
    fs.accessSync(dir, fs.constants.W_OK);
  } catch (err) {
    throw new RedisServerDirError(dir, (err as NodeJS.ErrnoException).code ?? (err as Error).message);
  }
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
      reject(
        err.code === 'ENOENT'
          ? new RedisServerMissingError(bin)
          : new RedisServerFailedError(`could not be run as ${bin} (${err.code ?? err.message})`, ''),
      ),
    );
    child.once('spawn', () => resolve());
  });

  const url = password === undefined ? `redis://127.0.0.1:${port}` : `redis://:${password}@127.0.0.1:${port}`;
  const deadline = Date.now() + startTimeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw startFailure(child.exitCode, output.join(''), port, dir);
    // Timeouts, since whatever else holds the port may never answer.
    const probe = new Redis(url, {
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
      connectTimeout: 1_000,
      commandTimeout: 1_000,
    });
    probe.on('error', () => {});
    try {
      await probe.connect();
      const info = await probe.info('server');
      probe.disconnect();
      // Another Redis on the port answers too: only this child's answer means it started.
      if (/process_id:(\d+)/.exec(info)?.[1] === String(child.pid)) break;
      throw new Error('another server answers on the port');
    } catch {
      probe.disconnect();
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new RedisServerFailedError(
          `did not answer on port ${port} within ${startTimeoutMs} ms`,
          lastLines(output.join('')),
        );
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
