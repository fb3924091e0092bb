import type { Logger, RedisConnection } from '@tidings/runtime';
import {
  ArticleSchema,
  classifyChildren,
  describeSelection,
  type FeedReport,
  type KeySpace,
  RECLASSIFY_PRIORITY,
  RECLASSIFY_WINDOW,
  redisKeys,
  type SelectStoredJob,
} from '@tidings/shared';
import type { TopicStoreReader } from '@tidings/topic-store';
import type { Queue } from 'bullmq';
import { ENQUEUE_CHUNK, RUN_DATA_TTL_S } from './read-feed-job.js';

export interface SelectStoredDeps {
  redis: RedisConnection;
  space: KeySpace;
  store: TopicStoreReader;
  classifyQueue: Queue;
  /** The aggregate queue's qualified name: the classify children's parent. */
  parentQueue: string;
  /** Classify jobs of this run still waiting or running (the parent's unfinished children). */
  pending: () => Promise<number>;
  /** Saves how far the job got, so a retried or resumed job goes on from there. */
  saveCursor: (cursor: number, total: number) => Promise<void>;
  logger: Logger;
}

/** Where a select-stored job stands: every article added (its report), or waiting for room. */
export type SelectStep = { done: true; report: FeedReport } | { done: false; cursor: number; total: number };

/**
 * The run's article ids, read from the store once and kept in a list: a resumed job adds
 * exactly the ids the first attempt would have, however the store changed meanwhile.
 */
async function snapshotIds(job: SelectStoredJob, deps: SelectStoredDeps): Promise<number> {
  const key = redisKeys(deps.space).reclassifyIds(job.runId);
  const total = await deps.redis.llen(key);
  if (total > 0) return total;
  const { since, until, topic } = job.selection;
  const ids = await deps.store.articleIdsPublishedBetween(Date.parse(since), Date.parse(until), topic);
  if (ids.length === 0) return 0;
  // Built under another name and renamed whole: a crash mid-way leaves no half list.
  const building = `${key}:building`;
  const tx = deps.redis.multi().del(building);
  for (let start = 0; start < ids.length; start += 1_000) tx.rpush(building, ...ids.slice(start, start + 1_000));
  await tx.rename(building, key).expire(key, RUN_DATA_TTL_S).exec();
  return ids.length;
}

/**
 * One pass of a reclassify run's select-stored job: adds the stored articles it selected to
 * the run, a chunk at a time (each article copied to the run's article hash, then its
 * classify child added at RECLASSIFY_PRIORITY), until every one is added or RECLASSIFY_WINDOW
 * of them are waiting; then the caller delays the job and calls again. A chunk repeated
 * after a crash adds nothing twice (its children keep their job ids).
 */
export async function selectStoredArticles(job: SelectStoredJob, deps: SelectStoredDeps): Promise<SelectStep> {
  const keys = redisKeys(deps.space);
  const total = await snapshotIds(job, deps);
  let cursor = job.cursor;
  let pending = await deps.pending();
  while (cursor < total) {
    if (pending >= RECLASSIFY_WINDOW) return { done: false, cursor, total };
    const ids = await deps.redis.lrange(keys.reclassifyIds(job.runId), cursor, cursor + ENQUEUE_CHUNK - 1);
    // An article pruned since the snapshot is simply not there: it is counted as dropped.
    const articles = (await deps.store.articlesById(ids)).map((a) => ArticleSchema.parse(a));
    if (articles.length > 0) {
      await deps.redis
        .multi()
        .hset(keys.runArticles(job.runId), Object.fromEntries(articles.map((a) => [a.id, JSON.stringify(a)])))
        .expire(keys.runArticles(job.runId), RUN_DATA_TTL_S)
        .exec();
      await deps.classifyQueue.addBulk(
        classifyChildren(
          job.runId,
          articles.map((a) => a.id),
          deps.parentQueue,
          RECLASSIFY_PRIORITY,
        ),
      );
    }
    cursor += ids.length;
    pending += articles.length;
    await deps.saveCursor(cursor, total);
  }
  const added = await deps.redis.hlen(keys.runArticles(job.runId));
  const report: FeedReport = {
    url: describeSelection(job.selection),
    status: 'ok',
    fetched: total,
    kept: added,
    dropped: total > added ? { pruned: total - added } : {},
  };
  await deps.redis
    .multi()
    .hset(keys.runFeeds(job.runId), '0', JSON.stringify(report))
    .expire(keys.runFeeds(job.runId), RUN_DATA_TTL_S)
    .exec();
  deps.logger.info({ selected: total, added }, 'stored articles added to the reclassify run');
  return { done: true, report };
}
