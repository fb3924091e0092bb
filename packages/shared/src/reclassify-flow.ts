/**
 * A reclassify run: stored articles, not feeds, put through the classify queue again. Its
 * flow is a run's flow with one child of its own instead of the read-feed jobs: a parent
 * "aggregate-run" (trigger "reclassify", the selection in its manifest) and one
 * "select-stored" job (queue "reclassify") that adds a classify child per stored article,
 * at a lower priority than any scheduled run's. The aggregator writes a report, and applies
 * it unless the run is a dry run. Requesting one, which talks to Redis, is @tidings/run-requests'.
 */
import { randomBytes } from 'node:crypto';
import type { FlowJob } from 'bullmq';
import { ReclassifyRequestError } from './errors/reclassify-request-error.js';
import { DEFAULT_JOB_OPTIONS, JOB, QUEUE } from './queues.js';
import { compactIso } from './run-flow.js';
import {
  type ReclassifySelection,
  ReclassifySelectionSchema,
  type RunManifest,
  type SelectStoredJob,
} from './schemas.js';

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

export function selectStoredJobId(runId: string): string {
  return `${runId}.select`;
}

/** How a reclassify run's selection is shown where a run shows its feeds. */
export function describeSelection(selection: ReclassifySelection): string {
  return `stored articles published ${selection.since} to ${selection.until}${selection.topic ? ` labelled ${selection.topic}` : ''}`;
}

export interface ReclassifyAsk {
  /** "30d", "12h", or an ISO date. */
  since: string;
  topic?: string;
  dryRun: boolean;
}

/**
 * The selection a request names, checked against what is stored: `since` neither in the
 * future nor before RETENTION_DAYS (those articles are gone), the topic one of the stored
 * labels. Pure; `labels` are the topic store's.
 */
export function reclassifySelection(
  ask: ReclassifyAsk,
  context: { now: Date; retentionDays: number; labels: string[] },
): ReclassifySelection {
  const relative = /^(\d{1,5})([dh])$/.exec(ask.since);
  let since: number;
  if (relative) since = context.now.getTime() - Number(relative[1]) * (relative[2] === 'd' ? DAY_MS : HOUR_MS);
  else if (/^\d{4}-\d{2}-\d{2}/.test(ask.since)) since = Date.parse(ask.since);
  else since = Number.NaN;
  if (Number.isNaN(since))
    throw new ReclassifyRequestError(
      `--since '${ask.since}' is not a period or a date`,
      'give a number of days or hours back (30d, 12h) or an ISO date (2026-11-30)',
    );
  if (since >= context.now.getTime())
    throw new ReclassifyRequestError(`--since '${ask.since}' is not in the past`, 'give a time before now');
  const oldest = context.now.getTime() - context.retentionDays * DAY_MS;
  if (since < oldest)
    throw new ReclassifyRequestError(
      `--since '${ask.since}' is before the ${context.retentionDays} days the store keeps (RETENTION_DAYS): those articles are gone`,
      `give at most ${context.retentionDays}d`,
    );
  if (ask.topic !== undefined && !context.labels.includes(ask.topic))
    throw new ReclassifyRequestError(
      `--topic '${ask.topic}' is not a stored label`,
      `name one of: ${context.labels.join(', ') || '(nothing is stored yet)'}`,
    );
  return ReclassifySelectionSchema.parse({
    since: new Date(since).toISOString(),
    until: context.now.toISOString(),
    ...(ask.topic === undefined ? {} : { topic: ask.topic }),
    dryRun: ask.dryRun,
  });
}

export function newReclassifyRunId(now = new Date()): string {
  return `reclassify-${compactIso(now)}-${randomBytes(3).toString('hex')}`;
}

/**
 * The flow that starts a reclassify run: its parent, whose manifest names the selection, and
 * the one select-stored child that puts the selected articles through "classify".
 */
export function buildReclassifyFlow(runId: string, selection: ReclassifySelection, now: Date): FlowJob {
  const manifest: RunManifest = {
    runId,
    trigger: 'reclassify',
    startedAt: now.toISOString(),
    feeds: [describeSelection(selection)],
    reclassify: selection,
  };
  const select: SelectStoredJob = { runId, selection, cursor: 0 };
  return {
    name: JOB.aggregateRun,
    queueName: QUEUE.aggregate,
    data: manifest,
    opts: { ...DEFAULT_JOB_OPTIONS.aggregate, jobId: runId },
    children: [
      {
        name: JOB.selectStored,
        queueName: QUEUE.reclassify,
        data: select,
        opts: { ...DEFAULT_JOB_OPTIONS.reclassify, jobId: selectStoredJobId(runId), ignoreDependencyOnFailure: true },
      },
    ],
  };
}
