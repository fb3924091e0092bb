import { addDays, type Digest, dayBounds, dayOf, isCalendarDay } from '@tidings/shared';
import type { DashboardData } from './dashboard-data.js';
import { TOPIC_ARTICLES } from './requests.js';
import { type ApiResult, type ErrorBody, refuse } from './result.js';

export interface HistoryOptions {
  /** DIGEST_TZ: calendar days are this time zone's. */
  timeZone: string;
  /** RETENTION_DAYS: nothing older is kept, so nothing older can be asked for. */
  retentionDays: number;
  now?: Date;
}

export interface TrendDay {
  day: string;
  counts: Record<string, number>;
}

/** The last `days` calendar days up to today, oldest first. */
function lastDays(days: number, options: HistoryOptions): string[] {
  const today = dayOf((options.now ?? new Date()).getTime(), options.timeZone);
  return Array.from({ length: days }, (_, i) => addDays(today, i - days + 1));
}

/** One calendar day's digest (by publish time, in DIGEST_TZ), within the retention window. */
export async function getDayDigest(
  data: DashboardData,
  day: string,
  options: HistoryOptions,
  perTopic: number = TOPIC_ARTICLES.default,
): Promise<ApiResult<Digest | ErrorBody>> {
  if (!isCalendarDay(day)) return refuse(400, 'Bad Request', `querystring/day must be a date as YYYY-MM-DD: '${day}'`);
  const window = lastDays(options.retentionDays, options);
  if (day < (window[0] ?? day) || day > (window.at(-1) ?? day)) {
    return refuse(
      400,
      'Bad Request',
      `querystring/day must be within the last ${options.retentionDays} days (RETENTION_DAYS): ${window[0]} to ${window.at(-1)}`,
    );
  }
  const { start, end } = dayBounds(day, options.timeZone);
  return { status: 200, body: await data.store.digestBetween(start, end, { perTopic }) };
}

/** Where the page's previous/next links lead: a day within the retention window, or none. */
export function historyNav(day: string | undefined, options: HistoryOptions) {
  const window = lastDays(options.retentionDays, options);
  const oldest = window[0] ?? '';
  const today = window.at(-1) ?? '';
  const shown = day ?? today;
  const previous = addDays(shown, -1);
  const next = addDays(shown, 1);
  return {
    day,
    previous: previous >= oldest ? previous : undefined,
    next: day && next <= today ? next : undefined,
  };
}
export type HistoryNav = ReturnType<typeof historyNav>;

/** Articles per topic for each of the last `days` calendar days. */
export async function getTrends(
  data: DashboardData,
  days: number,
  options: HistoryOptions,
): Promise<ApiResult<{ days: TrendDay[] } | ErrorBody>> {
  if (!Number.isInteger(days) || days < 1 || days > options.retentionDays) {
    return refuse(400, 'Bad Request', `querystring/days must be a whole number from 1 to ${options.retentionDays}`);
  }
  const names = lastDays(days, options);
  const counts = await data.store.countsBetween(names.map((d) => dayBounds(d, options.timeZone)));
  return { status: 200, body: { days: names.map((day, i) => ({ day, counts: counts[i] ?? {} })) } };
}
