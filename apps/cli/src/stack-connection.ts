import { createRedis } from '@tidings/runtime';
import {
  type Config,
  QUEUE_NAMES,
  type QueueName,
  queueBackfills,
  RedisUnreachableError,
  redactUrl,
} from '@tidings/shared';
import { SubscriptionStore } from '@tidings/subscriptions';
import { OwnTopicMatches, TopicStore } from '@tidings/topic-store';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { stackRedisUrl } from './stack-file.js';

export interface StackConnection {
  redis: Redis;
  /** The Redis in use, password masked, for messages. */
  redisShown: string;
  queues: Record<QueueName, Queue>;
  store: TopicStore;
  ownTopicMatches: OwnTopicMatches;
  subscriptions: SubscriptionStore;
}

/**
 * Runs `fn` with the queues and the topic store of the stack (REDIS_URL, or the private
 * redis-server `tidings start` runs on this DATA_DIR), then closes everything. An unreachable
 * Redis is one line naming it (password masked).
 */
export async function withStackConnection<T>(config: Config, fn: (stack: StackConnection) => Promise<T>): Promise<T> {
  const target = { ...config.redis, url: stackRedisUrl(config) };
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
    throw new RedisUnreachableError(redactUrl(target.url), (connectionError ?? (err as Error)).message);
  }
  const redisShown = redactUrl(target.url);
  const source = !config.redis.embedded
    ? 'REDIS_URL'
    : target.url === config.redis.url
      ? `the default: no stack recorded in ${config.dataDir}`
      : `the stack recorded in ${config.dataDir}/stack.json`;
  // Which Redis a command talks to is the first thing to know when it seems to do nothing.
  process.stderr.write(`tidings: using the Redis at ${redisShown} (${source})\n`);
  const queues = Object.fromEntries(
    QUEUE_NAMES.map((name) => [name, new Queue(name, { connection, prefix: config.prefix })]),
  ) as Record<QueueName, Queue>;
  for (const queue of Object.values(queues)) queue.on('error', () => {});
  try {
    return await fn({
      redis: connection,
      redisShown,
      queues,
      store: new TopicStore(connection, config.prefix, { labelOrder: config.zeroShot.labels }),
      ownTopicMatches: new OwnTopicMatches(connection, config.prefix),
      // A subscriber added here gets a new own topic's backfill queued like one added in the dashboard.
      subscriptions: new SubscriptionStore(connection, config.prefix, {
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
