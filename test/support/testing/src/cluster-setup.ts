import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '@tidings/runtime';
import type { TestCertificates } from './certificates.js';
import { askNode, killNode, type RedisNode, spawnRedisNode } from './redis-nodes.js';
import { waitFor } from './wait.js';

const run = promisify(execFile);

export interface ClusterSetup {
  ports: number[];
  /** REDIS_CLUSTER_NODES (and the password and TLS settings) for a tidings process. */
  env: Record<string, string>;
  stop(): Promise<void>;
}

export interface ClusterSetupOptions {
  primaries?: number;
  /** Every node wants it (requirepass). */
  password?: string;
  /** Every node speaks only TLS, to clients and to each other, with this certificate. */
  tls?: TestCertificates;
}

/**
 * A Redis Cluster of `primaries` primaries (no replicas) on loopback, created with
 * `redis-cli --cluster create`; resolves once every node reports the cluster ok.
 */
export async function startClusterSetup(dir: string, options: ClusterSetupOptions = {}): Promise<ClusterSetup> {
  const { primaries = 3, password, tls } = options;
  const security = [
    ...(password ? ['--requirepass', password, '--masterauth', password] : []),
    ...(tls ? ['--tls-cluster', 'yes', '--tls-replication', 'yes', '--tls-auth-clients', 'no'] : []),
    ...(tls ? ['--tls-cert-file', tls.cert, '--tls-key-file', tls.key, '--tls-ca-cert-file', tls.ca] : []),
  ];
  const cliSecurity = [
    ...(password ? ['-a', password, '--no-auth-warning'] : []),
    ...(tls ? ['--tls', '--cacert', tls.ca] : []),
  ];
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
      // With TLS the plain port is off (0): only TLS clients get in.
      const args = tls ? ['--port', '0', '--tls-port', String(port)] : ['--port', String(port)];
      args.push('--bind', '127.0.0.1', '--dir', nodeDir, '--save', '', '--appendonly', 'no', ...security);
      // The bus port defaults to port + 10000, past 65535 for most free ports: one of its own.
      const busPort = String(await freePort());
      args.push('--cluster-enabled', 'yes', '--cluster-port', busPort, '--cluster-config-file', 'nodes.conf');
      args.push('--cluster-node-timeout', '2000');
      nodes.push(spawnRedisNode(port, args, nodeDir, 'redis'));
    }
    const each = async (check: (port: number) => Promise<boolean | false>) =>
      (await Promise.all(nodes.map((n) => check(n.port)))).every(Boolean);
    await waitFor(() => each((port) => askNode(port, password, async (r) => (await r.ping()) === 'PONG', tls)), {
      what: 'the cluster nodes to answer',
    });
    const seeds = nodes.map((n) => `127.0.0.1:${n.port}`);
    await run('redis-cli', [...cliSecurity, '--cluster', 'create', ...seeds, '--cluster-yes']);
    await waitFor(
      () =>
        each((port) =>
          askNode(port, password, async (r) => (await r.cluster('INFO')).includes('cluster_state:ok'), tls),
        ),
      { timeoutMs: 30_000, intervalMs: 200, what: 'cluster_state:ok on every node' },
    );
  } catch (err) {
    await stop();
    throw err;
  }
  const ports = nodes.map((n) => n.port);
  const env: Record<string, string> = { REDIS_CLUSTER_NODES: ports.map((p) => `127.0.0.1:${p}`).join(',') };
  if (password) env.REDIS_PASSWORD = password;
  if (tls) Object.assign(env, { REDIS_TLS: 'true', REDIS_TLS_CA: tls.ca });
  return { ports, env, stop };
}
