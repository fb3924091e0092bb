import type { Config } from '@tidings/shared';
import { Cluster } from 'ioredis';
import type { Logger } from 'pino';
import { RedisEvictsError } from './errors/redis-evicts-error.js';
import { createRedis, type RedisConnection } from './redis.js';
import { describeRedis } from './redis-topology.js';

/** One field of an INFO reply ("name:value" lines). */
function infoField(info: string, name: string): string | undefined {
  return info.match(new RegExp(`^${name}:(.*)$`, 'm'))?.[1]?.trim();
}

interface NodeSafety {
  where: string;
  maxmemoryPolicy: string;
  aof: boolean;
  /** undefined when the server refuses CONFIG (managed services often do). */
  rdb: boolean | undefined;
}

async function nodeSafety(node: Exclude<RedisConnection, Cluster>, where: string): Promise<NodeSafety> {
  // INFO answers where CONFIG is renamed or refused; CONFIG is only needed for the RDB schedule.
  const [memory, persistence] = await Promise.all([node.info('memory'), node.info('persistence')]);
  let rdb: boolean | undefined;
  try {
    const [, save] = (await node.config('GET', 'save')) as [string, string];
    rdb = save.trim() !== '';
  } catch {
    rdb = undefined;
  }
  return {
    where,
    maxmemoryPolicy: infoField(memory, 'maxmemory_policy') ?? 'unknown',
    aof: infoField(persistence, 'aof_enabled') === '1',
    rdb,
  };
}

/** What every primary says about eviction and persistence (each primary of a cluster). */
async function readRedisSafety(connection: RedisConnection, target: Config['redis']): Promise<NodeSafety[]> {
  await connection.ping();
  if (connection instanceof Cluster) {
    return Promise.all(
      connection.nodes('master').map((node) => nodeSafety(node, `${node.options.host}:${node.options.port}`)),
    );
  }
  return [await nodeSafety(connection, describeRedis(target))];
}

/**
 * Refuses an evicting Redis (unless REDIS_ALLOW_EVICTION) and warns when a Redis that is not
 * tidings's own keeps nothing on disk (no AOF, no RDB): a restart would lose every queue.
 */
function judgeRedisSafety(nodes: NodeSafety[], config: Pick<Config, 'redis'>, logger: Logger): void {
  for (const node of nodes) {
    if (node.maxmemoryPolicy !== 'noeviction') {
      if (!config.redis.allowEviction) throw new RedisEvictsError(node.where, node.maxmemoryPolicy);
      logger.warn(
        { redis: node.where, maxmemoryPolicy: node.maxmemoryPolicy },
        'Redis may evict keys (REDIS_ALLOW_EVICTION=true): queued jobs and stored runs can vanish',
      );
    }
    if (!config.redis.embedded && !node.aof && node.rdb === false) {
      logger.warn(
        { redis: node.where },
        'Redis persistence is off (no appendonly, no save): a Redis restart loses every queued job and stored run',
      );
    }
  }
}

/** The start-up check every service runs before it takes work: on its own short-lived connection. */
export async function checkRedisSafety(config: Config, logger: Logger): Promise<void> {
  const connection = createRedis(config.redis, {}, logger);
  try {
    judgeRedisSafety(await readRedisSafety(connection, config.redis), config, logger);
  } finally {
    await connection.quit().catch(() => connection.disconnect());
  }
}
