import { type Config, QUEUE, RedisUnreachableError, redactUrl } from '@tidings/contracts';
import { createRedis } from '@tidings/runtime';
import { SubscriptionStore } from '@tidings/subscriptions';
import { TopicStore } from '@tidings/topic-store';
import { Queue } from 'bullmq';

export interface StackConnection {
  feeds: Queue;
  aggregate: Queue;
  store: TopicStore;
  subscriptions: SubscriptionStore;
}

/**
 * Runs `fn` with the queues and the topic store of the stack at config.redis.url, then
 * closes everything. An unreachable Redis is one line naming it (password masked).
 */
export async function withStackConnection<T>(config: Config, fn: (stack: StackConnection) => Promise<T>): Promise<T> {
  const connection = createRedis(config.redis.url, { maxRetriesPerRequest: 3, retryStrategy: () => null });
  // The command's own failure says what went wrong in one line; these events would repeat it as stack dumps.
  let connectionError: Error | undefined;
  connection.on('error', (err: Error) => {
    connectionError = err;
  });
  try {
    await connection.ping();
  } catch (err) {
    connection.disconnect();
    throw new RedisUnreachableError(redactUrl(config.redis.url), (connectionError ?? (err as Error)).message);
  }
  const feeds = new Queue(QUEUE.feeds, { connection, prefix: config.prefix });
  const aggregate = new Queue(QUEUE.aggregate, { connection, prefix: config.prefix });
  for (const queue of [feeds, aggregate]) queue.on('error', () => {});
  try {
    return await fn({
      feeds,
      aggregate,
      store: new TopicStore(connection, config.prefix, { labelOrder: config.zeroShot.labels }),
      subscriptions: new SubscriptionStore(connection, config.prefix, { labels: config.zeroShot.labels }),
    });
  } finally {
    await feeds.close();
    await aggregate.close();
    connection.disconnect();
  }
}
