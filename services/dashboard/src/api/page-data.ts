import type { RunProgress } from '@tidings/run-requests';
import type { Digest, Problem, ReclassifyReport, RunSummary } from '@tidings/shared';
import type { DashboardData } from './dashboard-data.js';
import { getDayDigest, getTrends, type HistoryOptions, type TrendDay } from './history.js';
import type { ApiResult, ErrorBody } from './result.js';

/** Runs the page lists: enough to see a pattern, few enough to read. */
const PAGE_RUNS = 15;
/** Reclassify reports the page lists: the latest few, the rest are in the API. */
const PAGE_RECLASSIFY_REPORTS = 3;

export interface PageData {
  digest: Digest;
  runs: RunSummary[];
  activeRuns: RunProgress[];
  liveWorkers: number;
  problems: Problem[];
  trends: TrendDay[];
  /** The current classifier version: articles made by another say so. */
  classifierVersion: string | null;
  reclassifyReports: ReclassifyReport[];
}

export interface PageDataOptions {
  windowHours: number;
  history: HistoryOptions;
  /** A calendar day the reader picked; else the last `windowHours`. */
  day: string | undefined;
  perTopic: number;
  /** Search results take the topics' place, so a search page does not read the day's articles. */
  searching: boolean;
}

function noTopics(): Digest {
  return { generatedAt: new Date().toISOString(), windowHours: 1, from: null, to: null, runId: null, topics: [] };
}

/** Everything the topic page shows, read in one go; a refused day is the 400 it gets. */
export async function readPageData(
  data: DashboardData,
  options: PageDataOptions,
): Promise<ApiResult<PageData | ErrorBody>> {
  const dayDigest = options.day ? await getDayDigest(data, options.day, options.history, options.perTopic) : undefined;
  if (dayDigest && dayDigest.status !== 200) return dayDigest as ApiResult<ErrorBody>;
  const [digest, runs, activeRuns, workers, status, trends, classifierVersion, reclassifyReports] = await Promise.all([
    dayDigest
      ? (dayDigest.body as Digest)
      : options.searching
        ? noTopics()
        : data.store.digest({ hours: options.windowHours, perTopic: options.perTopic }),
    data.store.runs({ limit: PAGE_RUNS }),
    data.activeRuns(),
    data.liveWorkers(),
    data.status(),
    getTrends(data, Math.min(30, options.history.retentionDays), options.history),
    data.currentClassifierVersion(),
    data.reclassifyReports(PAGE_RECLASSIFY_REPORTS),
  ]);
  return {
    status: 200,
    body: {
      digest,
      runs: runs.runs,
      activeRuns,
      liveWorkers: workers.length,
      problems: status.problems,
      trends: (trends.body as { days: TrendDay[] }).days,
      classifierVersion,
      reclassifyReports,
    },
  };
}
