import {
  type ClassifyResult,
  childOfKey,
  type KeySpaceSource,
  keySpaceOfQueue,
  QUEUE,
  RunManifestSchema,
  redisKeys,
} from '@tidings/shared';
import type { Job, Queue } from 'bullmq';

/**
 * Where a run stands: `classified` articles returned a result, `failed` ones failed every
 * attempt, `total` counts every article its feeds gave so far; `feedsRead` of `feeds` feeds
 * are read. A run is done when every feed is read and classified + failed = total.
 */
export interface RunProgress {
  runId: string;
  state: string;
  classified: number;
  failed: number;
  total: number;
  feeds: number;
  feedsRead: number;
  /** Classified articles per label; read only when asked for, since it reads every child's value. */
  perTopic?: Record<string, number>;
}

/** What progress needs of a Redis client. */
export interface HashCounter {
  hlen(key: string): Promise<number>;
}

/**
 * Counted, not read: the run's article and feed hashes give the totals, BullMQ's counts the
 * finished children (feeds among them, told apart by the few ignored failures' keys).
 */
export async function progressOfRunJob(
  job: Job,
  redis: HashCounter,
  space: KeySpaceSource,
  { perTopic = false } = {},
): Promise<RunProgress> {
  const runId = job.id ?? '';
  const keys = redisKeys(space);
  const [state, counts, total, feedsRead, ignored] = await Promise.all([
    job.getState(),
    job.getDependenciesCount({ processed: true, ignored: true }),
    redis.hlen(keys.runArticles(runId)),
    redis.hlen(keys.runFeeds(runId)),
    job.getIgnoredChildrenFailures(),
  ]);
  // A reclassify run's select-stored job stands where a run's read-feed jobs do.
  const feedsFailed = Object.keys(ignored).filter((key) => {
    const { queue } = childOfKey(key);
    return queue === QUEUE.readFeed || queue === QUEUE.reclassify;
  }).length;
  const manifest = RunManifestSchema.safeParse(job.data);
  const feeds = manifest.success ? manifest.data.feeds.length : 0;
  const progress: RunProgress = {
    runId,
    state,
    classified: Math.max(0, (counts.processed ?? 0) - feedsRead),
    failed: Math.max(0, (counts.ignored ?? 0) - feedsFailed),
    total,
    feeds,
    feedsRead: feedsRead + feedsFailed,
  };
  if (perTopic) {
    progress.perTopic = {};
    for (const [key, v] of Object.entries(await job.getChildrenValues<ClassifyResult>()))
      if (childOfKey(key).queue === QUEUE.classify && v?.label)
        progress.perTopic[v.label] = (progress.perTopic[v.label] ?? 0) + 1;
  }
  return progress;
}

/** Progress of a run by id, from its parent job in the "aggregate" queue; null before the loader added it. */
export async function readRunProgress(
  aggregateQueue: Queue,
  redis: HashCounter,
  runId: string,
  options: { perTopic?: boolean } = {},
): Promise<RunProgress | null> {
  if (aggregateQueue.name !== QUEUE.aggregate) throw new Error(`readRunProgress needs the "${QUEUE.aggregate}" queue`);
  const job = await aggregateQueue.getJob(runId);
  if (!job) return null;
  return progressOfRunJob(job, redis, keySpaceOfQueue(aggregateQueue.opts.prefix ?? 'bull'), options);
}
