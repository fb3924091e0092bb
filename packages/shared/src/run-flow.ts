/**
 * The run flow, the one contract between the loader, the classifiers and the aggregator:
 * a parent "aggregate-run" job in "aggregate" whose id is the run id and whose data is the
 * run's manifest, with one "read-feed" child per feed ("<run id>.feed-<n>"). Each read-feed
 * job adds one "classify" child per new article ("<run id>.<article id>") to the same
 * parent, in chunks, before it finishes, so the parent cannot complete while a feed is
 * still being read. Building it and naming and parsing its job ids live here, so changing
 * the flow means changing this file; requesting a run and reading its progress, which talk to
 * Redis, are @tidings/run-requests'.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { FlowJob, JobsOptions } from 'bullmq';
import { RUN_ID_PATTERN } from './ids.js';
import { DEFAULT_JOB_OPTIONS, JOB, QUEUE } from './queues.js';
import type { ClassifyJob, ReadFeedJob, RunManifest } from './schemas.js';

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
  /** RECLASSIFY_PRIORITY for a reclassify run's children; none for a run's. */
  priority?: number,
): { name: string; data: ClassifyJob; opts: JobsOptions }[] {
  return articleIds.map((articleId) => ({
    name: JOB.classify,
    data: { runId, articleId },
    opts: {
      ...DEFAULT_JOB_OPTIONS.classify,
      ...(priority === undefined ? {} : { priority }),
      jobId: classifyJobId(runId, articleId),
      parent: { id: runId, queue: parentQueue },
      ignoreDependencyOnFailure: true,
    },
  }));
}

const SCHEDULED_JOB_ID = /^repeat:.+:(\d+)$/;

/** An instant as run ids spell it: ISO 8601 without colons or milliseconds, e.g. 2026-12-07T051100Z. */
export function compactIso(date: Date): string {
  return date
    .toISOString()
    .replace(/[:]/g, '')
    .replace(/\.\d{3}Z$/, 'Z');
}

/**
 * The run id of a run-request job (queue "feeds"), derived from the job's id so a retried loader job can never
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
