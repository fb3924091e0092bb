import { hostname } from 'node:os';
import { readRunProgress } from '@tidings/run-requests';
import {
  describeRedis,
  liveWorkers,
  type RedisConnection,
  type RedisTarget,
  recordedProblems,
  redisPrimaries,
  settingsOf,
} from '@tidings/runtime';
import {
  BackfillJobSchema,
  BackfillProgressSchema,
  DAILY_SCHEDULER_ID,
  type KeySpaceSource,
  KIND_OF_QUEUE,
  MAIN_QUEUE,
  QUEUE,
  QUEUE_NAMES,
  type QueueName,
  type RunSummary,
  redisKeys,
  ScheduleRecordSchema,
  type StackStatus,
} from '@tidings/shared';
import { SubscriptionStore } from '@tidings/subscriptions';
import type { TopicStoreReader } from '@tidings/topic-store';
import type { Queue } from 'bullmq';
import { findProblems } from './find-problems.js';
import { isSuccessfulRun, judgeFreshness } from './freshness.js';

export interface StatusSources {
  redis: RedisConnection;
  /** The Redis the connection was made for (its kind, Sentinels or cluster nodes). */
  target: RedisTarget;
  space: KeySpaceSource;
  queues: Record<QueueName, Queue>;
  store: TopicStoreReader;
}

const COUNTED = ['waiting', 'active', 'delayed', 'completed', 'failed', 'waiting-children', 'prioritized'] as const;

/** The host of a Redis client address; a client on this machine's loopback is this host. */
function hostOf(addr: string | undefined): string {
  const ip = (addr ?? '').replace(/:\d+$/, '');
  return ip === '127.0.0.1' || ip === '::1' || ip === '' ? hostname() : ip;
}

/** Most backfills one status lists: the active ones first, then the oldest waiting. */
const BACKFILLS_SHOWN = 10;

/** The own topics being backfilled or waiting, with the progress their jobs report. */
async function readBackfills(sources: StatusSources): Promise<StackStatus['backfills']> {
  const jobs = await sources.queues.backfill.getJobs(['active', 'waiting', 'delayed'], 0, BACKFILLS_SHOWN - 1, true);
  const words = await sources.redis.hgetall(redisKeys(sources.space).ownTopics);
  return Promise.all(
    jobs.flatMap((job) => {
      const data = BackfillJobSchema.safeParse(job?.data);
      if (!job || !data.success) return [];
      return [
        (async () => {
          const progress = BackfillProgressSchema.safeParse(job.progress);
          const { done, total, matched } = progress.success ? progress.data : { done: 0, total: 0, matched: 0 };
          const topicId = data.data.topicId;
          return { topicId, topic: words[topicId] ?? '', state: await job.getState(), done, total, matched };
        })(),
      ];
    }),
  );
}

/** The reclassify run in progress, if any, as far as it got. */
async function readReclassify(sources: StatusSources): Promise<StackStatus['reclassify']> {
  const runId = await sources.redis.get(redisKeys(sources.space).reclassifyActive);
  if (!runId) return null;
  const progress = await readRunProgress(sources.queues.aggregate, sources.redis, runId);
  if (!progress) return null;
  const { runId: _id, state, classified, failed, total } = progress;
  return { runId, state, classified, failed, total };
}

/** Stored runs read, a page at a time, for the newest successful one: reclassify runs may stand before it. */
const RUNS_SEARCHED = 200;
const RUNS_PAGE = 20;

async function lastSuccessfulRun(store: TopicStoreReader): Promise<RunSummary | null> {
  for (let offset = 0; offset < RUNS_SEARCHED; offset += RUNS_PAGE) {
    const { runs } = await store.runs({ offset, limit: RUNS_PAGE });
    const found = runs.find(isSuccessfulRun);
    if (found) return found;
    if (runs.length < RUNS_PAGE) return null;
  }
  return null;
}

/** The schedule as the loaders keep it, and whether the digest is late; nothing until a loader kept it. */
async function readFreshness(sources: StatusSources) {
  const record = ScheduleRecordSchema.safeParse(await sources.redis.hgetall(redisKeys(sources.space).schedule));
  if (!record.success) return { schedule: null, problem: null };
  return judgeFreshness({
    record: record.data,
    lastSuccessful: await lastSuccessfulRun(sources.store),
    now: new Date(),
  });
}

/**
 * One look at a running stack. Workers come from the connections BullMQ names per queue (so
 * every kind shows, on any host); classifiers add their model from their heartbeats.
 */
export async function readStackStatus(sources: StatusSources): Promise<StackStatus> {
  const { queues, store } = sources;
  // Read only: the labels a store checks new topics against do not matter here.
  const subscriptions = new SubscriptionStore(sources.redis, sources.space, { labels: [] });
  const [
    counts,
    clients,
    heartbeats,
    recorded,
    { runs },
    scheduler,
    failedNotify,
    primaries,
    subs,
    backfills,
    fresh,
    classifierVersion,
    reclassify,
  ] = await Promise.all([
    Promise.all(QUEUE_NAMES.map(async (name) => [name, await queues[name].getJobCounts(...COUNTED)] as const)),
    Promise.all(QUEUE_NAMES.map(async (name) => [name, await queues[name].getWorkers()] as const)),
    liveWorkers(sources.redis, sources.space),
    recordedProblems(sources.redis, sources.space),
    store.runs({ limit: 5 }),
    queues.feeds.getJobScheduler(DAILY_SCHEDULER_ID),
    queues.notify.getFailed(0, 4),
    redisPrimaries(sources.redis, sources.target),
    subscriptions.list(),
    readBackfills(sources),
    readFreshness(sources),
    sources.redis.get(redisKeys(sources.space).currentClassifierVersion),
    readReclassify(sources),
  ]);
  const workers: StackStatus['workers'] = heartbeats.map((beat) => ({
    kind: 'classifier',
    host: beat.host,
    model: beat.model,
    dtype: beat.dtype,
    ...(beat.loadMs === undefined ? {} : { loadMs: beat.loadMs }),
    ...(beat.version === undefined ? {} : { version: beat.version }),
  }));
  for (const [queue, list] of clients) {
    if (queue === QUEUE.classify && heartbeats.length > 0) continue;
    // A process works several queues (a loader: feeds, read-feed and reclassify): counted once, by its main one.
    if (MAIN_QUEUE[KIND_OF_QUEUE[queue]] !== queue) continue;
    for (const client of list) workers.push({ kind: KIND_OF_QUEUE[queue], host: hostOf(client.addr) });
  }
  const queueCounts = Object.fromEntries(counts);
  return {
    redis: describeRedis(sources.target),
    redisKind: settingsOf(sources.target).kind,
    redisPrimaries: primaries,
    queues: queueCounts,
    workers,
    runs,
    backfills,
    classifierVersion,
    reclassify,
    nextRunAt: scheduler?.next ? new Date(scheduler.next).toISOString() : null,
    schedule: fresh.schedule,
    problems: findProblems({
      recorded,
      queues: queueCounts,
      workers,
      runs,
      // A delivery that failed days ago is history, not a problem to fix now.
      failedDeliveries: failedNotify.flatMap((job) =>
        job && (job.finishedOn ?? 0) > Date.now() - 86_400_000
          ? [`delivery ${job.id} failed after ${job.attemptsMade} attempt(s): ${job.failedReason}`]
          : [],
      ),
      disabledWebhooks: subs.filter((s) => s.webhookDisabled),
      late: fresh.problem,
    }),
  };
}
