import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { freePort } from '@tidings/runtime';
import { Redis } from 'ioredis';
import { waitFor } from './wait.js';

export const SENTINEL_PRIMARY_NAME = 'tidings-primary';
const DATA_PASSWORD = 'sentinel-setup-data-pw';
const SENTINEL_PASSWORD = 'sentinel-setup-sentinel-pw';

interface Node {
  port: number;
  process: ChildProcess;
}

export interface SentinelSetup {
  primary: Node;
  replica: Node;
  sentinels: Node[];
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

function start(args: string[], dir: string, name: string): ChildProcess {
  const child = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const log = fs.createWriteStream(path.join(dir, `${name}.log`));
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  return child;
}

const client = (port: number, password: string) => {
  const redis = new Redis({ port, host: '127.0.0.1', password, maxRetriesPerRequest: 0, retryStrategy: () => null });
  redis.on('error', () => {});
  return redis;
};

async function answers(port: number, password: string): Promise<boolean> {
  const redis = client(port, password);
  try {
    return (await redis.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    redis.disconnect();
  }
}

async function stopNode(node: Node): Promise<void> {
  if (node.process.exitCode !== null || node.process.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => node.process.once('exit', () => resolve()));
  node.process.kill('SIGKILL');
  await exited;
}

/**
 * Redis as managed services run it, on loopback: a primary with a password, one replica, and
 * three Sentinels (quorum 2, their own password) that promote the replica a second after the
 * primary stops answering. Resolves once the Sentinels know each other and the replica is in sync.
 */
export async function startSentinelSetup(dir: string): Promise<SentinelSetup> {
  fs.mkdirSync(dir, { recursive: true });
  const common = ['--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--requirepass', DATA_PASSWORD];
  const primary = { port: await freePort() } as Node;
  primary.process = start(
    [
      '--port',
      String(primary.port),
      '--dir',
      dir,
      '--dbfilename',
      'primary.rdb',
      ...common,
      '--masterauth',
      DATA_PASSWORD,
    ],
    dir,
    'primary',
  );
  const replica = { port: await freePort() } as Node;
  replica.process = start(
    [
      '--port',
      String(replica.port),
      '--dir',
      dir,
      '--dbfilename',
      'replica.rdb',
      ...common,
      '--masterauth',
      DATA_PASSWORD,
      '--replicaof',
      '127.0.0.1',
      String(primary.port),
    ],
    dir,
    'replica',
  );
  const sentinels: Node[] = [];
  for (let i = 0; i < 3; i++) {
    const port = await freePort();
    // Sentinel rewrites its configuration file as it learns the topology: one writable file each.
    const file = path.join(dir, `sentinel-${i}.conf`);
    fs.writeFileSync(
      file,
      [
        `port ${port}`,
        'bind 127.0.0.1',
        `dir ${dir}`,
        `requirepass ${SENTINEL_PASSWORD}`,
        `sentinel monitor ${SENTINEL_PRIMARY_NAME} 127.0.0.1 ${primary.port} 2`,
        `sentinel auth-pass ${SENTINEL_PRIMARY_NAME} ${DATA_PASSWORD}`,
        `sentinel down-after-milliseconds ${SENTINEL_PRIMARY_NAME} 1000`,
        `sentinel failover-timeout ${SENTINEL_PRIMARY_NAME} 10000`,
        '',
      ].join('\n'),
    );
    sentinels.push({ port, process: start([file, '--sentinel'], dir, `sentinel-${i}`) });
  }
  const all = [primary, replica, ...sentinels];
  const stop = async () => {
    await Promise.all(all.map(stopNode));
  };
  try {
    await waitFor(
      async () => (await answers(primary.port, DATA_PASSWORD)) && (await answers(replica.port, DATA_PASSWORD)),
      {
        what: 'the primary and the replica to answer',
      },
    );
    const ask = async (...args: string[]) => {
      for (const s of sentinels) {
        const redis = client(s.port, SENTINEL_PASSWORD);
        try {
          return await redis.call('SENTINEL', ...args);
        } catch {
          // this Sentinel is not up (yet, or any more); ask the next
        } finally {
          redis.disconnect();
        }
      }
      return undefined;
    };
    // Every Sentinel must see the replica in sync and both peers: only then can a majority promote it.
    await waitFor(
      async () => {
        for (const s of sentinels) {
          const redis = client(s.port, SENTINEL_PASSWORD);
          try {
            const peers = (await redis.call('SENTINEL', 'sentinels', SENTINEL_PRIMARY_NAME)) as unknown[];
            const replicas = (await redis.call('SENTINEL', 'replicas', SENTINEL_PRIMARY_NAME)) as string[][];
            const synced = replicas.some((fields) => fields.join(' ').includes('master-link-status ok'));
            if (peers.length < 2 || !synced) return false;
          } catch {
            return false;
          } finally {
            redis.disconnect();
          }
        }
        return true;
      },
      { timeoutMs: 30_000, intervalMs: 200, what: 'three Sentinels that know each other and the replica' },
    );
    const currentPrimary = async () => {
      const reply = (await ask('get-master-addr-by-name', SENTINEL_PRIMARY_NAME)) as [string, string] | undefined;
      return reply ? `${reply[0]}:${reply[1]}` : 'unknown';
    };
    return {
      primary,
      replica,
      sentinels,
      env: {
        REDIS_SENTINELS: sentinels.map((s) => `127.0.0.1:${s.port}`).join(','),
        REDIS_SENTINEL_NAME: SENTINEL_PRIMARY_NAME,
        REDIS_SENTINEL_PASSWORD: SENTINEL_PASSWORD,
        REDIS_PASSWORD: DATA_PASSWORD,
      },
      currentPrimary,
      killPrimary: async (afterKill) => {
        await stopNode(primary);
        afterKill?.();
        await waitFor(async () => (await currentPrimary()) === `127.0.0.1:${replica.port}`, {
          timeoutMs: 30_000,
          intervalMs: 100,
          what: 'the Sentinels to promote the replica',
        });
      },
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
