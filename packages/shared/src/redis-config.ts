import path from 'node:path';
import type { ConfigValues } from './config-vars.js';
import { ConfigError } from './errors/config-error.js';

/**
 * How tidings reaches Redis: one server by URL (embedded, compose, a managed endpoint), a
 * primary found through Sentinel, or a Redis Cluster. Key names depend on it: a cluster needs
 * hash-tagged keys, the other two keep the plain ones.
 */
export type RedisKind = 'url' | 'sentinel' | 'cluster';

export interface RedisNodeAddress {
  host: string;
  port: number;
}

export interface RedisConfig {
  kind: RedisKind;
  /** REDIS_URL, else REDIS_DEFAULT_URL; the server itself when kind is 'url'. */
  url: string;
  /** Nothing names a Redis: `tidings start` runs a private redis-server. */
  embedded: boolean;
  embeddedPort: number;
  tlsCaFile: string | undefined;
  /** The Sentinels (kind 'sentinel') or the cluster's seed nodes (kind 'cluster'); empty for 'url'. */
  nodes: RedisNodeAddress[];
  sentinelName: string | undefined;
  sentinelPassword: string | undefined;
  /** The data nodes' credentials for 'sentinel' and 'cluster' (a URL carries its own). */
  username: string | undefined;
  password: string | undefined;
  /** TLS to the data nodes and Sentinels for 'sentinel' and 'cluster' (a URL says rediss://). */
  tls: boolean;
  /** REDIS_ALLOW_EVICTION: start even when maxmemory-policy is not noeviction. */
  allowEviction: boolean;
}

/** `host:port` or `[v6]:port`, as REDIS_SENTINELS and REDIS_CLUSTER_NODES validated it. */
function nodeAddress(hostPort: string): RedisNodeAddress {
  const at = hostPort.lastIndexOf(':');
  return { host: hostPort.slice(0, at).replace(/^\[|\]$/g, ''), port: Number(hostPort.slice(at + 1)) };
}

const WHERE = ['REDIS_URL', 'REDIS_SENTINELS', 'REDIS_CLUSTER_NODES'] as const;

/** The `redis` part of the configuration; exactly one of REDIS_URL, REDIS_SENTINELS, REDIS_CLUSTER_NODES (or none). */
export function redisConfig(v: ConfigValues): RedisConfig {
  const named = WHERE.filter((name) => v[name] !== undefined);
  if (named.length > 1) {
    throw new ConfigError(WHERE.join(', '), `set only one of them, not ${named.join(' and ')}`);
  }
  const kind: RedisKind =
    v.REDIS_SENTINELS !== undefined ? 'sentinel' : v.REDIS_CLUSTER_NODES !== undefined ? 'cluster' : 'url';
  if (kind === 'sentinel' && v.REDIS_SENTINEL_NAME === undefined) {
    throw new ConfigError(
      'REDIS_SENTINEL_NAME',
      'needed with REDIS_SENTINELS: the name the Sentinels know the primary by',
    );
  }
  if (kind !== 'sentinel') {
    for (const name of ['REDIS_SENTINEL_NAME', 'REDIS_SENTINEL_PASSWORD'] as const) {
      if (v[name] !== undefined) throw new ConfigError(name, 'only used with REDIS_SENTINELS, which is unset');
    }
  }
  if (kind === 'url') {
    const used = (['REDIS_USERNAME', 'REDIS_PASSWORD'] as const).find((name) => v[name] !== undefined);
    const misplaced = used ?? (v.REDIS_TLS ? 'REDIS_TLS' : undefined);
    if (misplaced) {
      throw new ConfigError(
        misplaced,
        'only used with REDIS_SENTINELS or REDIS_CLUSTER_NODES; a REDIS_URL carries its own (rediss://user:password@host:port)',
      );
    }
  }
  return {
    kind,
    url: v.REDIS_URL ?? v.REDIS_DEFAULT_URL,
    embedded: named.length === 0,
    embeddedPort: v.REDIS_PORT,
    tlsCaFile: v.REDIS_TLS_CA === undefined ? undefined : path.resolve(v.REDIS_TLS_CA),
    nodes: (v.REDIS_SENTINELS ?? v.REDIS_CLUSTER_NODES ?? []).map(nodeAddress),
    sentinelName: v.REDIS_SENTINEL_NAME,
    sentinelPassword: v.REDIS_SENTINEL_PASSWORD,
    username: v.REDIS_USERNAME,
    password: v.REDIS_PASSWORD,
    tls: v.REDIS_TLS,
    allowEviction: v.REDIS_ALLOW_EVICTION,
  };
}
