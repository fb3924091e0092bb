import type { FeedList } from '@tidings/feed-list';
import type { Logger, RedisConnection } from '@tidings/runtime';
import { privateAddressReason } from '@tidings/runtime';
import {
  type Article,
  classifyChildren,
  type FeedReport,
  type KeySpace,
  maskFeedUrl,
  type ReadFeedJob,
  redisKeys,
  verifyFeedRead,
} from '@tidings/shared';
import type { Queue } from 'bullmq';
import type { FeedCacheHeaders } from './feed-cache-headers.js';
import { type ReadFeedOptions, readFeed } from './read-feed.js';
import type { SeenArticles } from './seen-articles.js';
import type { StoryClaims } from './story-claims.js';

/**
 * Articles claimed, stored and enqueued per step: a feed of any size is added to its run in
 * bounded memory and Redis commands, and the first articles are classified while the rest
 * are still being added.
 */
export const ENQUEUE_CHUNK = 500;

/** A run's article and feed hashes outlive any run that could still be finalised. */
export const RUN_DATA_TTL_S = 7 * 86_400;

export interface ReadFeedJobDeps {
  redis: RedisConnection;
  space: KeySpace;
  classifyQueue: Queue;
  /** The aggregate queue's qualified name, the parent of every classify child. */
  parentQueue: string;
  seen: SeenArticles;
  /** Near-duplicates of one story: only the story is classified, its copies become its sources. */
  stories: StoryClaims;
  cacheHeaders: FeedCacheHeaders;
  /** FEED_URLS: feeds the operator named, read as given (files, private addresses). */
  defaultFeeds: string[];
  feedList: FeedList;
  /** FEED_ALLOW_PRIVATE: may other feeds reach private addresses too. */
  allowPrivate: boolean;
  /** This host's job-signing key, when `tidings run` has made one: checks grants. */
  signingKey: () => Buffer | undefined;
  readOptions: ReadFeedOptions;
  logger: Logger;
}

/**
 * Whose feed a job names decides what it may reach. The operator's (FEED_URLS, or a grant from
 * a verified `tidings run`) is read as given; any other (the feed list, which OPML imports fill,
 * Bull Board, the API, a job written straight to Redis) only over http(s), never a file, and not
 * to a private address, by name or by what the name resolves to, unless FEED_ALLOW_PRIVATE.
 */
async function untrusted(
  job: ReadFeedJob,
  jobId: string,
  deps: ReadFeedJobDeps,
): Promise<ReadFeedOptions['untrusted']> {
  const key = job.grant ? deps.signingKey() : undefined;
  if (key && verifyFeedRead(key, jobId, job.feed, job.grant)) return undefined;
  if (deps.defaultFeeds.includes(job.feed)) return undefined;
  return deps.allowPrivate ? {} : { addressPolicy: privateAddressReason };
}

/**
 * Adds a chunk of a feed's articles to its run: claims the new ones (a retried job gets its
 * own back), then their stories (a copy of a story already claimed joins it as a source and
 * is not classified), keeps the stories in the run's article hash (their only copy, read by
 * the classifiers and the aggregator), then adds their classify children, ids only, to the
 * run's parent.
 */
async function enqueueChunk(
  job: ReadFeedJob,
  chunk: Article[],
  deps: ReadFeedJobDeps,
): Promise<{ stories: number; copies: number }> {
  const fresh = await deps.seen.claim(job.runId, chunk, { reclassify: job.reclassify });
  if (fresh.length === 0) return { stories: 0, copies: 0 };
  const runArticles = redisKeys(deps.space).runArticles(job.runId);
  try {
    const { stories, copies } = await deps.stories.claim(job.runId, fresh, { reclassify: job.reclassify });
    if (stories.length > 0) {
      await deps.redis
        .multi()
        .hset(runArticles, Object.fromEntries(stories.map((a) => [a.id, JSON.stringify(a)])))
        .expire(runArticles, RUN_DATA_TTL_S)
        .exec();
      // Written before the jobs exist, so a classify job always finds its article.
      await deps.classifyQueue.addBulk(
        classifyChildren(
          job.runId,
          stories.map((a) => a.id),
          deps.parentQueue,
        ),
      );
    }
    return { stories: stories.length, copies: copies.length };
  } catch (err) {
    await deps.seen.release(
      job.runId,
      fresh.map((a) => a.id),
    );
    throw err;
  }
}

/**
 * One feed of one run, from fetch to classify jobs; returns its report, which the aggregator
 * reads as this job's result. Cache headers are stored only once every article is enqueued,
 * so a crash before that reads the feed again instead of seeing "not modified".
 */
export async function processReadFeedJob(job: ReadFeedJob, jobId: string, deps: ReadFeedJobDeps): Promise<FeedReport> {
  const shown = maskFeedUrl(job.feed);
  const log = deps.logger.child({ feed: shown });
  const cacheHeaders = job.reclassify ? {} : await deps.cacheHeaders.get(job.feed);
  const added = { stories: 0, copies: 0 };
  // Each parsed chunk is claimed and enqueued before the next is parsed.
  const result = await readFeed(
    job.feed,
    { ...deps.readOptions, cacheHeaders, untrusted: await untrusted(job, jobId, deps) },
    async (articles) => {
      for (let start = 0; start < articles.length; start += ENQUEUE_CHUNK) {
        const chunk = await enqueueChunk(job, articles.slice(start, start + ENQUEUE_CHUNK), deps);
        added.stories += chunk.stories;
        added.copies += chunk.copies;
      }
    },
  );
  const report: FeedReport = { ...result.report };
  if (result.error) log.warn({ error: report.error, detail: result.error.message }, 'feed failed');
  else
    log.info(
      { status: report.status, kept: report.kept, new: added.stories, copies: added.copies, dropped: report.dropped },
      'feed read',
    );

  if (report.status === 'ok') await deps.cacheHeaders.set(job.feed, result.cacheHeaders);
  // Keyed by the feed as listed (not its masked form), so `tidings feeds list` finds it.
  await deps.feedList.recordStatus([{ ...report, url: job.feed }]);
  const runFeeds = redisKeys(deps.space).runFeeds(job.runId);
  await deps.redis
    .multi()
    .hset(runFeeds, String(job.index), JSON.stringify(report))
    .expire(runFeeds, RUN_DATA_TTL_S)
    .exec();
  return report;
}
