import fs from 'node:fs';
import type { Config } from '@tidings/shared';
import { Cluster, type ClusterOptions, Redis, type RedisOptions } from 'ioredis';
import type { Logger } from 'pino';

/** A connection to tidings's Redis: one server (by URL or found through Sentinel), or a Redis Cluster. */
export type RedisConnection = Redis | Cluster;

/** Where Redis is: the configuration's `redis`, or a bare redis:// URL (tests, tools). */
export type RedisTarget =
  | Pick<
      Config['redis'],
      'kind' | 'url' | 'tlsCaFile' | 'nodes' | 'sentinelName' | 'sentinelPassword' | 'username' | 'password' | 'tls'
    >
  | string;

type RedisSettings = Exclude<RedisTarget, string>;

export const settingsOf = (target: RedisTarget): RedisSettings =>
  typeof target === 'string'
    ? {
        kind: 'url',
        url: target,
        tlsCaFile: undefined,
        nodes: [],
        sentinelName: undefined,
        sentinelPassword: undefined,
        username: undefined,
        password: undefined,
        tls: false,
      }
    : target;

export function tlsOf(settings: RedisSettings): RedisOptions['tls'] {
  const ca = settings.tlsCaFile ? { ca: fs.readFileSync(settings.tlsCaFile) } : {};
  if (settings.kind === 'url') {
    // ioredis turns on TLS for rediss:// by itself; a private CA only has to be added to it.
    return settings.url.startsWith('rediss:') && settings.tlsCaFile ? ca : undefined;
  }
  return settings.tls ? ca : undefined;
}

/**
 * What every tidings connection shares. Commands wait for a reconnect instead of failing
 * after a few retries (BullMQ needs maxRetriesPerRequest null), so a Redis restart or a
 * failover pauses work rather than failing jobs. A node that answers READONLY was demoted
 * by a failover: reconnecting finds the new primary (through Sentinel, or the cluster's
 * slots) and resends the command.
 */
const COMMON: RedisOptions = {
  maxRetriesPerRequest: null,
  enableReadyCheck: true,
  retryStrategy: (times) => Math.min(200 * 2 ** Math.min(times, 6), 5_000),
  reconnectOnError: (err) => (err.message.startsWith('READONLY') ? 2 : false),
};

function clusterOptions(settings: RedisSettings, options: RedisOptions): ClusterOptions {
  const { retryStrategy, enableReadyCheck, ...nodeOptions } = { ...COMMON, ...options };
  const tls = tlsOf(settings);
  return {
    enableReadyCheck,
    // A cluster reconnects as a whole; a node's own retryStrategy is not used by ioredis.
    clusterRetryStrategy: (times) => retryStrategy?.(times) ?? null,
    redisOptions: {
      ...nodeOptions,
      username: settings.username,
      password: settings.password,
      ...(tls ? { tls } : {}),
    },
    // ioredis would resolve a node's name to an IP before connecting, and the certificate names the host, not the IP.
    ...(tls ? { dnsLookup: (address, callback) => callback(null, address) } : {}),
  };
}

function sentinelOptions(settings: RedisSettings, options: RedisOptions): RedisOptions {
  const tls = tlsOf(settings);
  return {
    sentinels: settings.nodes,
    name: settings.sentinelName,
    sentinelPassword: settings.sentinelPassword,
    username: settings.username,
    password: settings.password,
    // Sentinel announces +switch-master the moment it promotes a replica: no waiting for a timeout.
    failoverDetector: true,
    ...(tls ? { tls, sentinelTLS: tls, enableTLSForSentinelMode: true } : {}),
    ...COMMON,
    ...options,
  };
}

/**
 * An ioredis connection to the configured Redis, as BullMQ workers need it: a URL's server,
 * the primary the Sentinels name (followed across failovers), or a Redis Cluster.
 */
export function createRedis(target: RedisTarget, options: RedisOptions = {}, logger?: Logger): RedisConnection {
  const settings = settingsOf(target);
  let redis: RedisConnection;
  if (settings.kind === 'cluster') redis = new Cluster(settings.nodes, clusterOptions(settings, options));
  else if (settings.kind === 'sentinel') redis = new Redis(sentinelOptions(settings, options));
  else {
    const tls = tlsOf(settings);
    redis = new Redis(settings.url, { ...COMMON, ...(tls ? { tls } : {}), ...options });
  }
  // ioredis reconnects by itself; the error is worth a log line, not an unhandled-event stack trace.
  if (logger) redis.on('error', (err: Error) => logger.warn({ err: err.message }, 'redis connection error'));
  return redis;
}

/**
 * A connection for SUBSCRIBE only. ioredis's ready check sends INFO, which Redis refuses on a
 * connection already in subscriber mode; without it, (re)subscribing right away is safe.
 */
export function createSubscriber(target: RedisTarget, logger?: Logger): RedisConnection {
  return createRedis(target, { enableReadyCheck: false }, logger);
}
