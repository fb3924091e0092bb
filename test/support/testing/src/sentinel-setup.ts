import fs from 'node:fs';
import path from 'node:path';
import { freePort } from '@tidings/runtime';
import type { TestCertificates } from './certificates.js';
import { askNode, killNode, type RedisNode, spawnRedisNode } from './redis-nodes.js';
import { waitFor } from './wait.js';

export const SENTINEL_PRIMARY_NAME = 'tidings-primary';
const DATA_PASSWORD = 'sentinel-setup-data-pw';
const SENTINEL_PASSWORD = 'sentinel-setup-sentinel-pw';

export interface SentinelSetup {
  primary: RedisNode;
  replica: RedisNode;
  sentinels: RedisNode[];
  /** How long a node may not answer before the Sentinels hold it down (down-after-milliseconds). */
  downAfterMs: number;
  /** What a tidings process needs to reach it: REDIS_SENTINELS, the name and both passwords. */
  env: Record<string, string>;
  /** `host:port` of the primary the Sentinels name now. */
  currentPrimary(): Promise<string>;
  /**
   * SIGKILLs the primary and resolves once the Sentinels have promoted the replica;
   * `afterKill` runs the moment the primary is dead, before the promotion.
   */
  killPrimary(afterKill?: () => void): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Where a node listens: plain text on `port`, or with `tls` TLS only on it (no plain port);
 * clients need no certificate of their own, and replication (a replica to its primary, a
 * Sentinel to the nodes it watches) speaks TLS too.
 */
function listenSettings(port: number, tls: TestCertificates | undefined): [string, string][] {
  if (!tls) return [['port', String(port)]];
  return [
    ['port', '0'],
    ['tls-port', String(port)],
    ['tls-cert-file', tls.cert],
    ['tls-key-file', tls.key],
    ['tls-ca-cert-file', tls.ca],
    ['tls-auth-clients', 'no'],
    ['tls-replication', 'yes'],
  ];
}

async function dataNode(dir: string, name: string, tls?: TestCertificates, replicaOf?: number): Promise<RedisNode> {
  const port = await freePort();
  const args = listenSettings(port, tls).flatMap(([k, v]) => [`--${k}`, v]);
  args.push('--bind', '127.0.0.1', '--dir', dir, '--dbfilename', `${name}.rdb`);
  args.push('--save', '', '--appendonly', 'no', '--requirepass', DATA_PASSWORD, '--masterauth', DATA_PASSWORD);
  if (replicaOf !== undefined) args.push('--replicaof', '127.0.0.1', String(replicaOf));
  return spawnRedisNode(port, args, dir, name);
}

async function sentinelNode(
  dir: string,
  index: number,
  primaryPort: number,
  downAfterMs: number,
  tls?: TestCertificates,
): Promise<RedisNode> {
  const port = await freePort();
  // Sentinel rewrites its configuration file as it learns the topology: one writable file each.
  const file = path.join(dir, `sentinel-${index}.conf`);
  const monitor = `sentinel monitor ${SENTINEL_PRIMARY_NAME} 127.0.0.1 ${primaryPort} 2`;
  const settings = listenSettings(port, tls).map(([k, v]) => `${k} ${v}`);
  settings.push('bind 127.0.0.1', `dir ${dir}`, `requirepass ${SENTINEL_PASSWORD}`, monitor);
  settings.push(`sentinel auth-pass ${SENTINEL_PRIMARY_NAME} ${DATA_PASSWORD}`);
  settings.push(`sentinel down-after-milliseconds ${SENTINEL_PRIMARY_NAME} ${downAfterMs}`);
  settings.push(`sentinel failover-timeout ${SENTINEL_PRIMARY_NAME} 10000`);
  fs.writeFileSync(file, `${settings.join('\n')}\n`);
  return spawnRedisNode(port, [file, '--sentinel'], dir, `sentinel-${index}`);
}

/** Every Sentinel sees the replica in sync and both peers: only then can a majority promote it. */
async function sentinelsAgree(sentinels: RedisNode[], tls?: TestCertificates): Promise<boolean> {
  for (const s of sentinels) {
    const ready = await askNode(
      s.port,
      SENTINEL_PASSWORD,
      async (redis) => {
        const peers = (await redis.call('SENTINEL', 'sentinels', SENTINEL_PRIMARY_NAME)) as unknown[];
        const replicas = (await redis.call('SENTINEL', 'replicas', SENTINEL_PRIMARY_NAME)) as string[][];
        return peers.length >= 2 && replicas.some((fields) => fields.join(' ').includes('master-link-status ok'));
      },
      tls,
    );
    if (!ready) return false;
  }
  return true;
}

/**
 * Redis as managed services run it, on loopback: a primary with a password, one replica, and
 * three Sentinels (quorum 2, their own password) that promote the replica a second after the
 * primary stops answering; with `tls`, every node and Sentinel speaks TLS only. Resolves once
 * the Sentinels know each other and the replica is in sync.
 */
export async function startSentinelSetup(
  dir: string,
  { tls, downAfterMs = 1000 }: { tls?: TestCertificates; downAfterMs?: number } = {},
): Promise<SentinelSetup> {
  fs.mkdirSync(dir, { recursive: true });
  const primary = await dataNode(dir, 'primary', tls);
  const replica = await dataNode(dir, 'replica', tls, primary.port);
  const sentinels: RedisNode[] = [];
  for (let i = 0; i < 3; i++) sentinels.push(await sentinelNode(dir, i, primary.port, downAfterMs, tls));
  const stop = async () => {
    await Promise.all([primary, replica, ...sentinels].map(killNode));
  };
  const currentPrimary = async () => {
    for (const s of sentinels) {
      const reply = await askNode(
        s.port,
        SENTINEL_PASSWORD,
        async (redis) => (await redis.call('SENTINEL', 'get-master-addr-by-name', SENTINEL_PRIMARY_NAME)) as string[],
        tls,
      );
      if (reply) return `${reply[0]}:${reply[1]}`;
    }
    return 'unknown';
  };
  try {
    const ping = (node: RedisNode) => askNode(node.port, DATA_PASSWORD, (redis) => redis.ping(), tls);
    await waitFor(async () => (await ping(primary)) && (await ping(replica)), {
      what: 'the primary and the replica to answer',
    });
    await waitFor(() => sentinelsAgree(sentinels, tls), {
      timeoutMs: 30_000,
      intervalMs: 200,
      what: 'three Sentinels that know each other and the replica',
    });
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    primary,
    replica,
    sentinels,
    downAfterMs,
    env: {
      REDIS_SENTINELS: sentinels.map((s) => `127.0.0.1:${s.port}`).join(','),
      REDIS_SENTINEL_NAME: SENTINEL_PRIMARY_NAME,
      REDIS_SENTINEL_PASSWORD: SENTINEL_PASSWORD,
      REDIS_PASSWORD: DATA_PASSWORD,
      ...(tls ? { REDIS_TLS: 'true', REDIS_TLS_CA: tls.ca } : {}),
    },
    currentPrimary,
    killPrimary: async (afterKill) => {
      await killNode(primary);
      afterKill?.();
      await waitFor(async () => (await currentPrimary()) === `127.0.0.1:${replica.port}`, {
        timeoutMs: 30_000,
        intervalMs: 100,
        what: 'the Sentinels to promote the replica',
      });
    },
    stop,
  };
}
