import { type RunRequest, readRunProgress, requestRun } from '@tidings/run-requests';
import type { DashboardData } from './dashboard-data.js';
import { type Page, PageQuerySchema } from './requests.js';
import { type ApiResult, refuse } from './result.js';
import { checkQuery } from './topics.js';

/** Stored runs, newest first, with the runs still being classified. */
export async function listRuns(data: DashboardData, page: Page): Promise<ApiResult> {
  const bad = checkQuery(PageQuerySchema, page);
  if (bad) return bad;
  const [stored, active] = await Promise.all([data.store.runs(page), data.activeRuns()]);
  return { status: 200, body: { ...stored, active } };
}

/** A finished run (200), one still in progress (202), or 404. */
export async function getRun(data: DashboardData, id: string): Promise<ApiResult> {
  const run = await data.store.run(id);
  if (run) return { status: 200, body: run };
  const active = await readRunProgress(data.queues.aggregate, data.redis, id);
  if (active) return { status: 202, body: { id: active.runId, status: 'running', progress: active } };
  return refuse(404, 'Not Found', `no run '${id}'`);
}

/** Asks the loaders for a run; answers at once with its id. */
export async function queueRunRequest(
  data: DashboardData,
  request: RunRequest = {},
): Promise<ApiResult<{ runId: string }>> {
  return { status: 202, body: { runId: await requestRun(data.queues.feeds, request) } };
}
