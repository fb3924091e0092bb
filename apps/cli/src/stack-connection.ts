import { queueBackfills } from '@tidings/run-requests';
import { createRedis, describeRedis, type RedisConnection, type RedisTarget } from '@tidings/runtime';
import { type Config, keySpaceOf, QUEUE_NAMES, type QueueName, queuePrefix } from '@tidings/shared';
import { SubscriptionStore } from '@tidings/subscriptions';
import { OwnTopicMatches, TopicStoreReader } from '@tidings/topic-store';
import { Queue } from 'bullmq';
import { RedisUnreachableError } from './errors/redis-unreachable-error.js';
import { stackRedisUrl } from './stack-file.js';

export interface StackConnection {
  redis: RedisConnection;
  /** The Redis the connection was made for. */
  target: RedisTarget;
  /** The Redis in use, password masked, for messages. */
  redisShown: string;
  queues: Record<QueueName, Queue>;
  store: TopicStoreReader;
  ownTopicMatches: OwnTopicMatches;
  subscriptions: SubscriptionStore;
}

const REDIS_SETTING = { url: 'REDIS_URL', sentinel: 'REDIS_SENTINELS', cluster: 'REDIS_CLUSTER_NODES' } as const;

/**
 * Runs `fn` with the queues and the topic store of the stack (REDIS_URL, REDIS_SENTINELS or REDIS_CLUSTER_NODES, or the private
 * redis-server `tidings start` runs on this DATA_DIR), then closes everything. An unreachable
 * Redis is one line naming it (password masked).
 */
export async function withStackConnection<T>(config: Config, fn: (stack: StackConnection) => Promise<T>): Promise<T> {
  const target: RedisTarget = { ...config.redis, url: stackRedisUrl(config) };
  const redisShown = describeRedis(target);
  const connection = createRedis(target, { maxRetriesPerRequest: 3, retryStrategy: () => null });
  // The command's own failure says what went wrong in one line; these events would repeat it as stack dumps.
  let connectionError: Error | undefined;
  connection.on('error', (err: Error) => {
    connectionError = err;
  });
  try {
    await connection.ping();
  } catch (err) {
    connection.disconnect();
    throw new RedisUnreachableError(redisShown, (connectionError ?? (err as Error)).message);
  }
  const source = !config.redis.embedded
    ? REDIS_SETTING[config.redis.kind]
    : target.url === config.redis.url
      ? `the default: no stack recorded in ${config.dataDir}`
      : `the stack recorded in ${config.dataDir}/stack.json`;
  // Which Redis a command talks to is the first thing to know when it seems to do nothing.
  process.stderr.write(`tidings: using the Redis at ${redisShown} (${source})\n`);
  const space = keySpaceOf(config);
  const queues = Object.fromEntries(
    QUEUE_NAMES.map((name) => [name, new Queue(name, { connection, prefix: queuePrefix(space) })]),
  ) as Record<QueueName, Queue>;
  for (const queue of Object.values(queues)) queue.on('error', () => {});
  try {
    return await fn({
      redis: connection,
      target,
      redisShown,
      queues,
      store: new TopicStoreReader(connection, space, { labelOrder: config.zeroShot.labels }),
      ownTopicMatches: new OwnTopicMatches(connection, space),
      // A subscriber added here gets a new own topic's backfill queued like one added in the dashboard.
      subscriptions: new SubscriptionStore(connection, space, {
        labels: config.zeroShot.labels,
        ownTopics: config.ownTopics,
        onNewOwnTopics: (topicIds) => queueBackfills(queues.backfill, topicIds),
      }),
    });
  } finally {
    for (const queue of Object.values(queues)) await queue.close();
    connection.disconnect();
  }
}
