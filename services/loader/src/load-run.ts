import type { Article, LoadJob, RunManifest } from '@tidings/contracts';
import { buildRunFlow } from '@tidings/contracts';
import type { Logger } from '@tidings/runtime';
import type { FlowProducer, Queue } from 'bullmq';
import type { FeedCacheHeaders } from './feed-cache-headers.js';
import { type ReadFeedOptions, readFeed } from './read-feed.js';
import type { SeenArticles } from './seen-articles.js';

export interface LoadRunDeps {
  flows: FlowProducer;
  aggregateQueue: Queue;
  seen: SeenArticles;
  cacheHeaders: FeedCacheHeaders;
  defaultFeeds: string[];
  readOptions: ReadFeedOptions;
  logger: Logger;
}

export interface LoadRunResult {
  runId: string;
  articles: number;
  alreadyEnqueued: boolean;
  manifest: RunManifest;
}

/** Merges articles of several feeds; the same story in two feeds is classified once. */
function mergeArticles(lists: Article[][]): Article[] {
  const byId = new Map<string, Article>();
  for (const list of lists) for (const a of list) if (!byId.has(a.id)) byId.set(a.id, a);
  return [...byId.values()];
}

/**
 * Reads the feeds and adds the run as one flow: an "aggregate-run" parent (job id = run id)
 * with one "classify" child per new article. New means claimed by this run: two runs at the
 * same moment never share an article, and a retried loader job (same run id) gets its own
 * articles back. Feed cache headers are stored only after the flow exists, so a crash before
 * that reads the feed again instead of seeing "not modified".
 */
export async function loadRun(runId: string, job: LoadJob, startedAt: Date, deps: LoadRunDeps): Promise<LoadRunResult> {
  const log = deps.logger.child({ runId });
  const feeds = job.feeds ?? deps.defaultFeeds;
  const results = [];
  for (const feed of feeds) {
    const cacheHeaders = job.reclassify ? {} : await deps.cacheHeaders.get(feed);
    const result = await readFeed(feed, { ...deps.readOptions, cacheHeaders });
    if (result.report.error) log.warn({ feed, error: result.report.error }, 'feed failed');
    else
      log.info(
        { feed, status: result.report.status, kept: result.report.kept, dropped: result.report.dropped },
        'feed read',
      );
    results.push(result);
  }
  const all = mergeArticles(results.map((r) => r.articles));
  const existing = await deps.aggregateQueue.getJob(runId);
  const fresh = existing ? [] : await deps.seen.claim(runId, all, { reclassify: job.reclassify });
  const manifest: RunManifest = {
    runId,
    trigger: job.trigger,
    startedAt: startedAt.toISOString(),
    feeds: results.map((r) => r.report),
    articles: fresh,
  };

  if (!existing) {
    try {
      await deps.flows.add(buildRunFlow(manifest));
    } catch (err) {
      await deps.seen.release(
        runId,
        fresh.map((a) => a.id),
      );
      throw err;
    }
    log.info({ articles: fresh.length, found: all.length }, 'run enqueued');
  } else {
    log.info('run already enqueued by an earlier attempt');
  }

  for (const r of results) {
    if (r.report.status === 'ok') await deps.cacheHeaders.set(r.report.url, r.cacheHeaders);
  }
  return {
    runId,
    articles: fresh.length,
    alreadyEnqueued: Boolean(existing),
    manifest: existing ? (existing.data as RunManifest) : manifest,
  };
}
