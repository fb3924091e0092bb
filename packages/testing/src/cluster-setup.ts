import { type ChildProcess, execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '@tidings/runtime';
import { Redis } from 'ioredis';
import { waitFor } from './wait.js';

const run = promisify(execFile);

export interface ClusterSetup {
  ports: number[];
  /** REDIS_CLUSTER_NODES for a tidings process. */
  env: Record<string, string>;
  stop(): Promise<void>;
}

/**
 * A Redis Cluster of `primaries` primaries (no replicas) on loopback, created with
 * `redis-cli --cluster create`; resolves once every node reports the cluster ok.
 */
export async function startClusterSetup(dir: string, primaries = 3): Promise<ClusterSetup> {
  fs.mkdirSync(dir, { recursive: true });
  const ports: number[] = [];
  const processes: ChildProcess[] = [];
  const stop = async () => {
    await Promise.all(
      processes.map(async (child) => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
        child.kill('SIGKILL');
        await exited;
      }),
    );
  };
  try {
    for (let i = 0; i < primaries; i++) {
      const port = await freePort();
      ports.push(port);
      const nodeDir = path.join(dir, String(port));
      fs.mkdirSync(nodeDir, { recursive: true });
      const child = spawn(
        'redis-server',
        [
          '--port',
          String(port),
          '--bind',
          '127.0.0.1',
          '--dir',
          nodeDir,
          '--cluster-enabled',
          'yes',
          '--cluster-config-file',
          'nodes.conf',
          '--cluster-node-timeout',
          '2000',
          '--save',
          '',
          '--appendonly',
          'no',
        ],
        { stdio: 'ignore' },
      );
      processes.push(child);
    }
    const ping = async (port: number) => {
      const redis = new Redis({ port, host: '127.0.0.1', maxRetriesPerRequest: 0, retryStrategy: () => null });
      redis.on('error', () => {});
      try {
        return (await redis.ping()) === 'PONG';
      } catch {
        return false;
      } finally {
        redis.disconnect();
      }
    };
    await waitFor(async () => (await Promise.all(ports.map(ping))).every(Boolean), {
      what: 'the cluster nodes to answer',
    });
    await run('redis-cli', ['--cluster', 'create', ...ports.map((p) => `127.0.0.1:${p}`), '--cluster-yes']);
    await waitFor(
      async () => {
        for (const port of ports) {
          const redis = new Redis({ port, host: '127.0.0.1', maxRetriesPerRequest: 0, retryStrategy: () => null });
          redis.on('error', () => {});
          try {
            if (!(await redis.cluster('INFO')).includes('cluster_state:ok')) return false;
          } catch {
            return false;
          } finally {
            redis.disconnect();
          }
        }
        return true;
      },
      { timeoutMs: 30_000, intervalMs: 200, what: 'cluster_state:ok on every node' },
    );
    return { ports, env: { REDIS_CLUSTER_NODES: ports.map((p) => `127.0.0.1:${p}`).join(',') }, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
