import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Redis } from 'ioredis';
import type { TestCertificates } from './certificates.js';

/** A redis-server (or Sentinel) child of a test, on loopback. */
export interface RedisNode {
  port: number;
  process: ChildProcess;
}

/** Starts `redis-server <args>`, its output in `dir/<name>.log` for when a test fails. */
export function spawnRedisNode(port: number, args: string[], dir: string, name: string): RedisNode {
  const child = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const log = fs.createWriteStream(path.join(dir, `${name}.log`));
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  return { port, process: child };
}

/**
 * Runs `fn` on a short-lived connection to one node, past any Sentinel or cluster routing;
 * false when the node does not answer (not up yet, or killed).
 */
export async function askNode<T>(
  port: number,
  password: string | undefined,
  fn: (redis: Redis) => Promise<T>,
  tls?: TestCertificates,
): Promise<T | false> {
  const redis = new Redis({
    port,
    host: '127.0.0.1',
    password,
    ...(tls ? { tls: { ca: fs.readFileSync(tls.ca) } } : {}),
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  redis.on('error', () => {});
  try {
    return await fn(redis);
  } catch {
    return false;
  } finally {
    redis.disconnect();
  }
}

export async function killNode(node: RedisNode): Promise<void> {
  if (node.process.exitCode !== null || node.process.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => node.process.once('exit', () => resolve()));
  node.process.kill('SIGKILL');
  await exited;
}
