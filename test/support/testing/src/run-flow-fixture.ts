import type { RedisConnection } from '@tidings/runtime';
import { type Article, buildRunFlow, classifyChildren, QUEUE, type RunManifest, redisKeys } from '@tidings/shared';
import { type FlowJobNode, FlowProducer, type JobsOptions } from 'bullmq';

/** A record a run's article hash could hold that no read-feed job would write (broken, hostile). */
export interface RawRunArticle {
  id: string;
  record: string;
}

/**
 * Writes articles to a run's article hash, as a read-feed job does before it adds their
 * classify jobs: the article's only copy while the run runs, read by the classifier.
 */
export async function storeRunArticles(
  redis: RedisConnection,
  prefix: string,
  runId: string,
  articles: (Article | RawRunArticle)[],
): Promise<void> {
  if (articles.length === 0) return;
  await redis.hset(
    redisKeys(prefix).runArticles(runId),
    Object.fromEntries(articles.map((a) => [a.id, 'record' in a ? a.record : JSON.stringify(a)])),
  );
}

export interface RunFlowChild {
  article: Article;
  /** Stored in the run's hash in place of the article (a broken or hostile record). */
  record?: string;
  /** Replaces the classify job's data (a hostile or broken job). */
  data?: unknown;
  opts?: JobsOptions;
}

/**
 * A run as its read-feed jobs leave it, with no feed to read: the parent, the run's article
 * hash, and one classify child per article built by packages/shared's own classifyChildren. For
 * tests of the classifier and aggregator that need a run of chosen articles.
 */
export async function addRunFlow(
  redis: RedisConnection,
  prefix: string,
  runId: string,
  children: RunFlowChild[],
  manifest: Partial<RunManifest> = {},
): Promise<void> {
  const flows = new FlowProducer({ connection: redis, prefix });
  try {
    await storeRunArticles(
      redis,
      prefix,
      runId,
      children.map((c) => (c.record === undefined ? c.article : { id: c.article.id, record: c.record })),
    );
    const flow = buildRunFlow(
      { runId, trigger: 'manual', startedAt: new Date().toISOString(), feeds: [], ...manifest },
      [],
    );
    const parentQueue = `${prefix}:${QUEUE.aggregate}`;
    flow.children = classifyChildren(
      runId,
      children.map((c) => c.article.id),
      parentQueue,
    ).map(
      ({ name, data, opts: { parent: _parent, ...opts } }, i): FlowJobNode => ({
        name,
        queueName: QUEUE.classify,
        data: children[i]?.data ?? data,
        opts: { ...opts, ...children[i]?.opts },
      }),
    );
    await flows.add(flow);
  } finally {
    await flows.close();
  }
}
