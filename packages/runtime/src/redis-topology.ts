import { type RedisNodeAddress, redactUrl } from '@tidings/shared';
import { Cluster, Redis } from 'ioredis';
import { type RedisConnection, type RedisTarget, settingsOf, tlsOf } from './redis.js';

const address = (node: RedisNodeAddress) =>
  node.host.includes(':') ? `[${node.host}]:${node.port}` : `${node.host}:${node.port}`;

/** What a connection is to, for messages and status: passwords masked, Sentinel and cluster nodes listed. */
export function describeRedis(target: RedisTarget): string {
  const settings = settingsOf(target);
  const nodes = settings.nodes.map(address).join(',');
  if (settings.kind === 'sentinel') return `Sentinel primary '${settings.sentinelName}' via ${nodes}`;
  if (settings.kind === 'cluster') return `Redis Cluster via ${nodes}`;
  return redactUrl(settings.url);
}

/**
 * The primary the Sentinels name now, asked of each Sentinel in turn (the first that answers
 * wins): after a failover this is the promoted replica, whatever a client is connected to.
 */
export async function sentinelPrimary(target: RedisTarget): Promise<string | undefined> {
  const settings = settingsOf(target);
  const tls = tlsOf(settings);
  for (const node of settings.nodes) {
    const sentinel = new Redis({
      ...node,
      password: settings.sentinelPassword,
      ...(tls ? { tls } : {}),
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
      connectTimeout: 2_000,
    });
    sentinel.on('error', () => {});
    try {
      await sentinel.connect();
      const reply = (await sentinel.call('SENTINEL', 'get-master-addr-by-name', settings.sentinelName ?? '')) as
        | [string, string]
        | null;
      if (reply) return address({ host: reply[0], port: Number(reply[1]) });
    } catch {
      // This Sentinel is down or refuses us; the next one may answer.
    } finally {
      sentinel.disconnect();
    }
  }
  return undefined;
}

/**
 * The primaries tidings writes to now: the URL's server, the Sentinels' current primary, or
 * every primary of the cluster (as its slot map says).
 */
export async function redisPrimaries(connection: RedisConnection, target: RedisTarget): Promise<string[]> {
  const settings = settingsOf(target);
  if (settings.kind === 'cluster' && connection instanceof Cluster) {
    return connection
      .nodes('master')
      .map((node) => address({ host: node.options.host ?? '', port: node.options.port ?? 0 }))
      .sort();
  }
  if (settings.kind === 'sentinel') {
    const primary = await sentinelPrimary(settings);
    return primary ? [primary] : [];
  }
  const url = new URL(settings.url);
  return [`${url.hostname}:${url.port || 6379}`];
}
