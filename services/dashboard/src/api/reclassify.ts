import { readRunProgress, requestReclassify } from '@tidings/run-requests';
import {
  ClassifierVersionSchema,
  type KeySpace,
  ReclassifyRequestError,
  reclassifySelection,
  redisKeys,
} from '@tidings/shared';
import {
  applyReclassifyRun,
  ReclassifyApplyError,
  type ReclassifyReports,
  type TopicStoreWriter,
} from '@tidings/topic-store';
import type { DashboardData } from './dashboard-data.js';
import type { ReclassifyRequestBody } from './requests.js';
import { type ApiResult, refuse } from './result.js';

export interface ReclassifyDeps {
  data: DashboardData;
  reports: ReclassifyReports;
  /** Only the apply step writes, through the store's write-once page script. */
  store: TopicStoreWriter;
  space: KeySpace;
  retentionDays: number;
}

/** The current classifier version (the one the most recently started classifier runs) and every version on record. */
export async function classifierVersions(data: DashboardData, space: KeySpace): Promise<ApiResult> {
  const keys = redisKeys(space);
  const [current, raw] = await Promise.all([
    data.redis.get(keys.currentClassifierVersion),
    data.redis.hgetall(keys.classifierVersions),
  ]);
  const versions = Object.values(raw).flatMap((json) => {
    try {
      const parsed = ClassifierVersionSchema.safeParse(JSON.parse(json));
      return parsed.success ? [parsed.data] : [];
    } catch {
      return [];
    }
  });
  return { status: 200, body: { current, versions } };
}

/** The newest reclassify reports, and the run in progress if there is one. */
export async function listReclassifyRuns(deps: ReclassifyDeps): Promise<ApiResult> {
  const running = await deps.data.redis.get(redisKeys(deps.space).reclassifyActive);
  const [reports, progress] = await Promise.all([
    deps.reports.list(20),
    running ? readRunProgress(deps.data.queues.aggregate, deps.data.redis, running) : null,
  ]);
  return { status: 200, body: { reports, active: progress } };
}

/** A report (200), a run still going (202), or 404. */
export async function getReclassifyRun(deps: ReclassifyDeps, runId: string): Promise<ApiResult> {
  const report = await deps.reports.read(runId);
  if (report) return { status: 200, body: report };
  const progress = await readRunProgress(deps.data.queues.aggregate, deps.data.redis, runId);
  if (progress?.runId.startsWith('reclassify-'))
    return { status: 202, body: { id: runId, status: 'running', progress } };
  return refuse(404, 'Not Found', `no reclassify run '${runId}'`);
}

/** Starts a reclassify run (202 with its id); 400 for a period or topic it cannot take, 409 while another runs. */
export async function startReclassify(deps: ReclassifyDeps, body: ReclassifyRequestBody): Promise<ApiResult> {
  try {
    const selection = reclassifySelection(
      { since: body.since, topic: body.topic, dryRun: body.dryRun ?? false },
      { now: new Date(), retentionDays: deps.retentionDays, labels: await deps.data.store.labels() },
    );
    const runId = await requestReclassify(deps.data.queues.aggregate, deps.data.redis, deps.space, selection);
    return { status: 202, body: { runId, dryRun: selection.dryRun } };
  } catch (err) {
    if (!(err instanceof ReclassifyRequestError)) throw err;
    return refuse(err.busy ? 409 : 400, err.code, err.message);
  }
}

/** Writes a dry run's labels (200 with the report as applied), once; 404 when there is no report. */
export async function applyReclassify(deps: ReclassifyDeps, runId: string): Promise<ApiResult> {
  try {
    const report = await applyReclassifyRun(runId, deps.store, deps.reports, {
      retentionMs: deps.retentionDays * 86_400_000,
    });
    return { status: 200, body: report };
  } catch (err) {
    if (!(err instanceof ReclassifyApplyError)) throw err;
    return refuse(404, err.code, err.message);
  }
}
