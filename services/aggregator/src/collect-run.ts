import type { RedisConnection } from '@tidings/runtime';
import {
  type Article,
  ArticleSchema,
  articleIdOfChild,
  ClassifyResultSchema,
  childOfKey,
  describeZodError,
  type FeedReport,
  FeedReportSchema,
  type KeySpace,
  QUEUE,
  type Run,
  type RunManifest,
  readFeedJobId,
  redisKeys,
  type TopicArticle,
} from '@tidings/shared';
import type { OwnTopicMatches, RunOwnTopics, ScoredArticle, TopicStoreWriter } from '@tidings/topic-store';
import { WRITE_PAGE } from '@tidings/topic-store';
import type { Job } from 'bullmq';
import { RunBuilder } from './build-run.js';
import { classifyResultPages, ignoredChildPages } from './run-children.js';

export interface CollectRunDeps {
  store: TopicStoreWriter;
  ownTopicMatches: OwnTopicMatches;
  /** OWN_TOPIC_THRESHOLD, or the learned thresholds in force, read when a run is collected. */
  ownTopicThreshold: number | (() => Promise<(topicId: string) => number>);
  /** Reads the run's article and feed hashes (and, finalising, publishes "run-finished"). */
  redis: RedisConnection;
  space: KeySpace;
  /** LABELS: the order of equally large topics. */
  labelOrder: string[];
}

/** A run's record, not yet written, and what it found for each own topic. */
export interface CollectedRun {
  run: Run;
  ownTopics: RunOwnTopics;
}

export interface CollectRunOptions {
  finalisedBy: Run['finalisedBy'];
  /** Why the run was finalised early, and the reason given to articles that never finished. */
  reason?: string;
}

const NO_RESULT = 'no result was recorded for this article';

function parseJson(raw: string | null | undefined): unknown {
  if (!raw) return undefined;
  try {
    return JSON.parse(raw);
  } catch {
    return undefined;
  }
}

/**
 * Reads a finished run's children a page at a time and writes its articles to the store in
 * the same pages, so memory stays flat however many articles the run has. Every article the
 * run's feeds gave is either classified or listed as failed with its reason: none can go
 * missing. Returns the run's record, not yet written.
 */
export async function collectRun(
  job: Job,
  manifest: RunManifest,
  deps: CollectRunDeps,
  options: CollectRunOptions,
): Promise<CollectedRun> {
  const { runId } = manifest;
  const keys = redisKeys(deps.space);
  const articlesKey = keys.runArticles(runId);
  const threshold = deps.ownTopicThreshold;
  const builder = new RunBuilder(
    manifest,
    deps.labelOrder,
    typeof threshold === 'number' ? threshold : await threshold(),
  );
  // Ids of articles already counted: HSCAN may return an entry twice.
  const accounted = new Set<string>();

  const articlesById = async (ids: string[]): Promise<(Article | undefined)[]> => {
    if (ids.length === 0) return [];
    const raws = await deps.redis.hmget(articlesKey, ...ids);
    return raws.map((raw) => {
      const parsed = ArticleSchema.safeParse(parseJson(raw));
      return parsed.success ? parsed.data : undefined;
    });
  };
  const fail = (articleId: string, article: Article | undefined, reason: string) => {
    accounted.add(articleId);
    builder.addFailure({ articleId, title: article?.title ?? '', reason });
  };

  for await (const entries of classifyResultPages(job, runId, accounted)) {
    const articles = await articlesById(entries.map(([id]) => id));
    const stored: TopicArticle[] = [];
    const ownMatches = new Map<string, ScoredArticle[]>();
    entries.forEach(([id, value], i) => {
      const article = articles[i];
      const result = ClassifyResultSchema.safeParse(value);
      if (!article) fail(id, undefined, 'its article record is missing from the run');
      else if (!result.success)
        fail(id, article, `the classifier returned an unreadable result (${describeZodError(result.error)})`);
      else {
        accounted.add(id);
        stored.push(builder.addClassified(article, result.data));
        for (const [topicId, score] of builder.ownMatches(result.data)) {
          const list = ownMatches.get(topicId) ?? [];
          list.push({ articleId: id, published: Date.parse(article.published), score });
          ownMatches.set(topicId, list);
        }
      }
    });
    // HSCAN's count is a hint: a page may hold more than one step of the store.
    for (let start = 0; start < stored.length; start += WRITE_PAGE)
      await deps.store.writeArticles(runId, stored.slice(start, start + WRITE_PAGE));
    for (const [topicId, matches] of ownMatches) await deps.ownTopicMatches.add(topicId, matches);
  }

  const feedFailures = new Map<string, string>();
  for await (const ignored of ignoredChildPages(job)) {
    const failed: [string, string][] = [];
    for (const [key, reason] of ignored) {
      const child = childOfKey(key);
      if (child.queue === QUEUE.readFeed) feedFailures.set(child.jobId, reason);
      else if (child.queue === QUEUE.classify) failed.push([articleIdOfChild(key, runId), reason]);
    }
    const fresh = failed.filter(([id]) => !accounted.has(id));
    const articles = await articlesById(fresh.map(([id]) => id));
    fresh.forEach(([id, reason], i) => {
      fail(id, articles[i], reason);
    });
  }

  // Articles with neither a result nor a failure: their children never finished (the
  // watchdog), or were never added. Scanned only when the counts say some are left.
  if ((await deps.redis.hlen(articlesKey)) > accounted.size) {
    let scan = '0';
    do {
      const [next, flat] = await deps.redis.hscan(articlesKey, scan, 'COUNT', WRITE_PAGE);
      scan = next;
      for (let i = 0; i < flat.length; i += 2) {
        const id = flat[i] ?? '';
        if (accounted.has(id)) continue;
        const parsed = ArticleSchema.safeParse(parseJson(flat[i + 1]));
        fail(id, parsed.success ? parsed.data : undefined, options.reason ?? NO_RESULT);
      }
    } while (scan !== '0');
  }

  const reports = await deps.redis.hgetall(keys.runFeeds(runId));
  const feeds = manifest.feeds.map((url, index): FeedReport => {
    const report = FeedReportSchema.safeParse(parseJson(reports[String(index)]));
    if (report.success) return report.data;
    const failure = feedFailures.get(readFeedJobId(runId, index));
    return {
      url,
      status: 'failed',
      fetched: 0,
      kept: 0,
      dropped: {},
      error: {
        code: 'FEED_NOT_READ',
        message: failure
          ? `${url}: reading it failed every attempt (${failure})`
          : `${url}: not read before the run was finalised${options.reason ? ` (${options.reason})` : ''}`,
      },
    };
  });
  const run = builder.finish({
    feeds,
    finishedAt: new Date(),
    finalisedBy: options.finalisedBy,
    reason: options.reason,
  });
  return { run, ownTopics: builder.ownTopics() };
}
