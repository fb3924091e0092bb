/**
 * The run flow, the one contract between the loader, the classifiers and the aggregator:
 * a parent "aggregate-run" job in "aggregate" whose id is the run id and whose data is the
 * run's manifest, with one "read-feed" child per feed ("<run id>.feed-<n>"). Each read-feed
 * job adds one "classify" child per new article ("<run id>.<article id>") to the same
 * parent, in chunks, before it finishes, so the parent cannot complete while a feed is
 * still being read. Building it, naming and parsing its job ids, reading its progress and
 * requesting a run all live here, so changing the flow means changing this file.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { FlowJob, Job, JobsOptions, Queue } from 'bullmq';
import { BadJobError } from './errors/bad-job-error.js';
import { RUN_ID_PATTERN } from './ids.js';
import { signLoadJob } from './job-signature.js';
import { type KeySpaceSource, keySpaceOfQueue, redisKeys } from './keys.js';
import { DEFAULT_JOB_OPTIONS, JOB, QUEUE } from './queues.js';
import {
  type ClassifyJob,
  type ClassifyResult,
  describeZodError,
  type LoadJob,
  LoadJobSchema,
  type ReadFeedJob,
  type RunManifest,
  RunManifestSchema,
} from './schemas.js';

/** BullMQ job ids may not contain ':'; run and article ids are made of [A-Za-z0-9_-]. */
export function classifyJobId(runId: string, articleId: string): string {
  return `${runId}.${articleId}`;
}

export function readFeedJobId(runId: string, index: number): string {
  return `${runId}.feed-${index}`;
}

/** A child of a run as BullMQ reports it ("<prefix>:<queue>:<job id>"): which queue, which job. */
export function childOfKey(key: string): { queue: string; jobId: string } {
  const jobId = key.slice(key.lastIndexOf(':') + 1);
  const rest = key.slice(0, key.lastIndexOf(':'));
  return { queue: rest.slice(rest.lastIndexOf(':') + 1), jobId };
}

/** The article id of a child, from its job id or from the "<prefix>:classify:<job id>" key BullMQ reports it by. */
export function articleIdOfChild(childKeyOrJobId: string, runId: string): string {
  const jobId = childKeyOrJobId.slice(childKeyOrJobId.lastIndexOf(':') + 1);
  return jobId.startsWith(`${runId}.`) ? jobId.slice(runId.length + 1) : jobId;
}

/**
 * The flow that starts a run: the parent and one read-feed child per feed. A failing child
 * never blocks its run: it moves to the parent's ignored failures, which the aggregator reports.
 */
export function buildRunFlow(manifest: RunManifest, reads: ReadFeedJob[]): FlowJob {
  return {
    name: JOB.aggregateRun,
    queueName: QUEUE.aggregate,
    data: manifest,
    opts: { ...DEFAULT_JOB_OPTIONS.aggregate, jobId: manifest.runId },
    children: reads.map((data) => ({
      name: JOB.readFeed,
      queueName: QUEUE.readFeed,
      data,
      opts: {
        ...DEFAULT_JOB_OPTIONS['read-feed'],
        jobId: readFeedJobId(data.runId, data.index),
        ignoreDependencyOnFailure: true,
      },
    })),
  };
}

/**
 * The classify children a read-feed job adds to its run's parent, for Queue.addBulk on the
 * "classify" queue, once the articles are in the run's article hash: a child carries ids
 * only. `parentQueue` is the aggregate queue's qualified name (Queue.qualifiedName). A child
 * added twice (a retried read-feed job) keeps its job id, so BullMQ adds it once.
 */
export function classifyChildren(
  runId: string,
  articleIds: string[],
  parentQueue: string,
): { name: string; data: ClassifyJob; opts: JobsOptions }[] {
  return articleIds.map((articleId) => ({
    name: JOB.classify,
    data: { runId, articleId },
    opts: {
      ...DEFAULT_JOB_OPTIONS.classify,
      jobId: classifyJobId(runId, articleId),
      parent: { id: runId, queue: parentQueue },
      ignoreDependencyOnFailure: true,
    },
  }));
}

const SCHEDULED_JOB_ID = /^repeat:.+:(\d+)$/;

function compactIso(date: Date): string {
  return date
    .toISOString()
    .replace(/[:]/g, '')
    .replace(/\.\d{3}Z$/, 'Z');
}

/**
 * The run id of a "feeds" job, derived from the job's id so a retried loader job can never
 * start a second run: a scheduled run is named after its scheduled time, a requested run
 * after the id `requestRun` chose.
 */
export function runIdForJob(jobId: string): string {
  const scheduled = SCHEDULED_JOB_ID.exec(jobId);
  if (scheduled) return `daily-${compactIso(new Date(Number(scheduled[1])))}`;
  // A job id added by hand (Bull Board, redis-cli) may hold anything; the run id it becomes
  // names keys and files, so it is cut down to the run id pattern, never passed through.
  const safe = jobId
    .replace(/[^A-Za-z0-9_-]/g, '-')
    .replace(/^[^A-Za-z0-9]+/, '')
    .slice(0, 100);
  return RUN_ID_PATTERN.test(safe) ? safe : `run-${createHash('sha256').update(jobId).digest('hex').slice(0, 16)}`;
}

export function newRequestedRunId(now = new Date()): string {
  return `manual-${compactIso(now)}-${randomBytes(3).toString('hex')}`;
}

export interface RunRequest {
  feeds?: string[];
  reclassify?: boolean;
}

export interface RunRequestOptions {
  /**
   * The host's job-signing key (runtime's jobSigningKey): only the CLI on the loader's host
   * has it, and only a job signed with it may name local files or private addresses.
   */
  signingKey?: Buffer;
}

/**
 * Asks the loaders for a run now; returns the run's id at once. A request the loader would
 * refuse (a feed that is not an http(s) URL, unsigned) throws BadJobError before anything is added.
 */
export async function requestRun(
  feedsQueue: Queue,
  request: RunRequest = {},
  options: RunRequestOptions = {},
): Promise<string> {
  if (feedsQueue.name !== QUEUE.feeds) throw new Error(`requestRun needs the "${QUEUE.feeds}" queue`);
  const runId = newRequestedRunId();
  const data: LoadJob = { trigger: 'manual', reclassify: request.reclassify ?? false };
  if (request.feeds && request.feeds.length > 0) data.feeds = request.feeds;
  if (options.signingKey) data.signature = signLoadJob(options.signingKey, runId, data);
  const parsed = LoadJobSchema.safeParse(data);
  if (!parsed.success) throw new BadJobError(QUEUE.feeds, describeZodError(parsed.error));
  await feedsQueue.add(JOB.load, parsed.data, { ...DEFAULT_JOB_OPTIONS.feeds, jobId: runId });
  return runId;
}

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
  const feedsFailed = Object.keys(ignored).filter((key) => childOfKey(key).queue === QUEUE.readFeed).length;
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
