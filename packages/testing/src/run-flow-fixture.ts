import type { RedisConnection } from '@tidings/runtime';
import { type Article, buildRunFlow, classifyChildren, QUEUE, type RunManifest, redisKeys } from '@tidings/shared';
import { type FlowJobNode, FlowProducer, type JobsOptions } from 'bullmq';

export interface RunFlowChild {
  article: Article;
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
    const articles = children.map((c) => c.article);
    if (articles.length > 0)
      await redis.hset(
        redisKeys(prefix).runArticles(runId),
        Object.fromEntries(articles.map((a) => [a.id, JSON.stringify(a)])),
      );
    const flow = buildRunFlow(
      { runId, trigger: 'manual', startedAt: new Date().toISOString(), feeds: [], ...manifest },
      [],
    );
    const parentQueue = `${prefix}:${QUEUE.aggregate}`;
    flow.children = classifyChildren(runId, articles, parentQueue).map(
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
