import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '@tidings/runtime';
import { askNode, killNode, type RedisNode, spawnRedisNode } from './redis-nodes.js';
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
  const nodes: RedisNode[] = [];
  const stop = async () => {
    await Promise.all(nodes.map(killNode));
  };
  try {
    for (let i = 0; i < primaries; i++) {
      const port = await freePort();
      const nodeDir = path.join(dir, String(port));
      fs.mkdirSync(nodeDir, { recursive: true });
      const args = [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--dir',
        nodeDir,
        '--save',
        '',
        '--appendonly',
        'no',
      ];
      args.push('--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf', '--cluster-node-timeout', '2000');
      nodes.push(spawnRedisNode(port, args, nodeDir, 'redis'));
    }
    const each = async (check: (port: number) => Promise<boolean | false>) =>
      (await Promise.all(nodes.map((n) => check(n.port)))).every(Boolean);
    await waitFor(() => each((port) => askNode(port, undefined, async (r) => (await r.ping()) === 'PONG')), {
      what: 'the cluster nodes to answer',
    });
    await run('redis-cli', ['--cluster', 'create', ...nodes.map((n) => `127.0.0.1:${n.port}`), '--cluster-yes']);
    await waitFor(
      () =>
        each((port) => askNode(port, undefined, async (r) => (await r.cluster('INFO')).includes('cluster_state:ok'))),
      { timeoutMs: 30_000, intervalMs: 200, what: 'cluster_state:ok on every node' },
    );
  } catch (err) {
    await stop();
    throw err;
  }
  const ports = nodes.map((n) => n.port);
  return { ports, env: { REDIS_CLUSTER_NODES: ports.map((p) => `127.0.0.1:${p}`).join(',') }, stop };
}
