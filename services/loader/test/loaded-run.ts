import type { RedisConnection } from '@tidings/runtime';
import {
  type Article,
  ArticleSchema,
  type FeedReport,
  FeedReportSchema,
  QUEUE,
  type RunManifest,
  RunManifestSchema,
  redisKeys,
} from '@tidings/shared';
import { waitFor } from '@tidings/testing';
import { Queue } from 'bullmq';

export interface LoadedRun {
  manifest: RunManifest;
  /** One report per feed, in the manifest's order. */
  feeds: FeedReport[];
  /** Every article the run's feeds added, as the aggregator will read them. */
  articles: Article[];
}

/** A run as the loader leaves it once it has started the run and read every feed. */
export async function loadedRun(redis: RedisConnection, prefix: string, runId: string): Promise<LoadedRun> {
  const aggregate = new Queue(QUEUE.aggregate, { connection: redis, prefix });
  try {
    const parent = await waitFor(() => aggregate.getJob(runId), { what: `run ${runId} to start`, timeoutMs: 30_000 });
    const manifest = RunManifestSchema.parse(parent.data);
    const keys = redisKeys(prefix);
    const reports = await waitFor(
      async () => {
        const stored = await redis.hgetall(keys.runFeeds(runId));
        return Object.keys(stored).length === manifest.feeds.length ? stored : undefined;
      },
      { what: `every feed of run ${runId} to be read`, timeoutMs: 30_000 },
    );
    const articles = Object.values(await redis.hgetall(keys.runArticles(runId))).map((raw) =>
      ArticleSchema.parse(JSON.parse(raw)),
    );
    return {
      manifest,
      feeds: manifest.feeds.map((_, i) => FeedReportSchema.parse(JSON.parse(reports[String(i)] ?? 'null'))),
      articles,
    };
  } finally {
    await aggregate.close();
  }
}
