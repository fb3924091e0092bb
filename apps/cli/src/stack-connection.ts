import { type Config, QUEUE, RedisUnreachableError, redactUrl } from '@tidings/contracts';
import { createRedis } from '@tidings/runtime';
import { TopicStore } from '@tidings/topic-store';
import { Queue } from 'bullmq';
import { stackRedisUrl } from './stack-file.js';

export interface StackConnection {
  feeds: Queue;
  aggregate: Queue;
  store: TopicStore;
}

/**
 * Runs `fn` with the queues and the topic store of the stack (REDIS_URL, or the private
 * redis-server `tidings start` runs on this DATA_DIR), then closes everything. An unreachable
 * Redis is one line naming it (password masked).
 */
export async function withStackConnection<T>(config: Config, fn: (stack: StackConnection) => Promise<T>): Promise<T> {
  const url = stackRedisUrl(config);
  const connection = createRedis(url, { maxRetriesPerRequest: 3, retryStrategy: () => null });
  // The command's own failure says what went wrong in one line; these events would repeat it as stack dumps.
  let connectionError: Error | undefined;
  connection.on('error', (err: Error) => {
    connectionError = err;
  });
  try {
    await connection.ping();
  } catch (err) {
    connection.disconnect();
    throw new RedisUnreachableError(redactUrl(url), (connectionError ?? (err as Error)).message);
  }
  const feeds = new Queue(QUEUE.feeds, { connection, prefix: config.prefix });
  const aggregate = new Queue(QUEUE.aggregate, { connection, prefix: config.prefix });
  for (const queue of [feeds, aggregate]) queue.on('error', () => {});
  try {
    return await fn({
      feeds,
      aggregate,
      store: new TopicStore(connection, config.prefix, { labelOrder: config.zeroShot.labels }),
    });
  } finally {
    await feeds.close();
    await aggregate.close();
    connection.disconnect();
  }
}
