import type { Digest, Problem, RunProgress, RunSummary } from '@tidings/shared';
import type { DashboardData } from './dashboard-data.js';
import { getDayDigest, getTrends, type HistoryOptions, type TrendDay } from './history.js';
import type { ApiResult, ErrorBody } from './result.js';

/** Runs the page lists: enough to see a pattern, few enough to read. */
const PAGE_RUNS = 15;

export interface PageData {
  digest: Digest;
  runs: RunSummary[];
  activeRuns: RunProgress[];
  liveWorkers: number;
  problems: Problem[];
  trends: TrendDay[];
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
  const [digest, runs, activeRuns, workers, status, trends] = await Promise.all([
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
    },
  };
}
