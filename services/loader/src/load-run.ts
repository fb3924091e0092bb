import type { Article, LoadJob, RunManifest } from '@tidings/contracts';
import { buildRunFlow, maskFeedUrl } from '@tidings/contracts';
import type { FeedList } from '@tidings/feed-list';
import type { Logger } from '@tidings/runtime';
import { privateAddressReason } from '@tidings/runtime';
import type { FlowProducer, Queue } from 'bullmq';
import type { FeedCacheHeaders } from './feed-cache-headers.js';
import { type ReadFeedOptions, readFeed } from './read-feed.js';
import type { SeenArticles } from './seen-articles.js';
import type { StoryClaims } from './story-claims.js';

export interface LoadRunDeps {
  flows: FlowProducer;
  aggregateQueue: Queue;
  seen: SeenArticles;
  /** Near-duplicates of one story: only the story is classified, its copies become its sources. */
  stories: StoryClaims;
  cacheHeaders: FeedCacheHeaders;
  /** FEED_URLS: feeds the operator named, read as given (files, private addresses). */
  defaultFeeds: string[];
  /** The operator's feed list (`tidings feeds`), read by every run beside FEED_URLS. */
  feedList: FeedList;
  /** FEED_ALLOW_PRIVATE: may other feeds reach private addresses too. */
  allowPrivate: boolean;
  readOptions: ReadFeedOptions;
  logger: Logger;
}

/**
 * Whose feeds a job names decides what they may reach. The operator's (FEED_URLS, or a job
 * signed by the CLI on this host) are read as given; anyone else's (Bull Board, the API,
 * a job written straight to Redis) only over http(s), never a file, and not to a private
 * address unless FEED_ALLOW_PRIVATE.
 */
function untrusted(
  feed: string,
  signed: boolean,
  operatorFeeds: Set<string>,
  deps: LoadRunDeps,
): ReadFeedOptions['untrusted'] {
  if (signed || operatorFeeds.has(feed)) return undefined;
  return deps.allowPrivate ? {} : { addressPolicy: privateAddressReason };
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
export async function loadRun(
  runId: string,
  job: LoadJob,
  startedAt: Date,
  deps: LoadRunDeps,
  /** The job carries a valid signature by this host's CLI (checked by the caller). */
  signed = false,
): Promise<LoadRunResult> {
  const log = deps.logger.child({ runId });
  const operatorFeeds = new Set([...deps.defaultFeeds, ...(await deps.feedList.urls())]);
  const feeds = job.feeds ?? [...operatorFeeds];
  const results = [];
  for (const feed of feeds) {
    const cacheHeaders = job.reclassify ? {} : await deps.cacheHeaders.get(feed);
    const result = await readFeed(feed, {
      ...deps.readOptions,
      cacheHeaders,
      untrusted: untrusted(feed, signed, operatorFeeds, deps),
    });
    const shown = maskFeedUrl(feed);
    if (result.error)
      log.warn({ feed: shown, error: result.report.error, detail: result.error.message }, 'feed failed');
    else
      log.info(
        { feed: shown, status: result.report.status, kept: result.report.kept, dropped: result.report.dropped },
        'feed read',
      );
    results.push({ feed, ...result });
  }
  const all = mergeArticles(results.map((r) => r.articles));
  const existing = await deps.aggregateQueue.getJob(runId);
  const fresh = existing ? [] : await deps.seen.claim(runId, all, { reclassify: job.reclassify });
  const { stories, copies } = await deps.stories.claim(runId, fresh, { reclassify: job.reclassify });
  const manifest: RunManifest = {
    runId,
    trigger: job.trigger,
    startedAt: startedAt.toISOString(),
    feeds: results.map((r) => r.report),
    articles: stories,
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
    log.info({ articles: stories.length, copies: copies.length, found: all.length }, 'run enqueued');
  } else {
    log.info('run already enqueued by an earlier attempt');
  }

  for (const r of results) {
    if (r.report.status === 'ok') await deps.cacheHeaders.set(r.feed, r.cacheHeaders);
  }
  // Keyed by the feed as listed (not its masked form), so `tidings feeds list` finds it.
  await deps.feedList.recordStatus(results.map((r) => ({ ...r.report, url: r.feed })));
  return {
    runId,
    articles: stories.length,
    alreadyEnqueued: Boolean(existing),
    manifest: existing ? (existing.data as RunManifest) : manifest,
  };
}
