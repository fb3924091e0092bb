/**
 * What the feed farm serves for one bench row, decided without a socket: which loopback host
 * each feed lives on, how it behaves, and how many items it carries. Deterministic, so two
 * runs of the bench (before and after a change) read the same farm.
 */

export type FeedKind = 'ok' | 'slow' | 'error-500' | 'malformed' | 'timeout';

export interface PlannedFeed {
  /** Index of the host (0 = 127.0.0.2). */
  host: number;
  path: string;
  kind: FeedKind;
  /** Items the feed carries (0 for a feed that fails). */
  items: number;
}

export interface FarmPlan {
  hosts: number;
  feeds: PlannedFeed[];
  /** Articles the working feeds carry in all: what reaches the classifier. */
  articles: number;
}

export interface FarmPlanOptions {
  /** Most loopback hosts the feeds are spread over. */
  maxHosts?: number;
  /** Distinguishes this row's items from every other row's, so none counts as already seen. */
  tag?: string;
}

/** 127.0.0.2 for host 0, and so on: 127.0.0.1 stays the machine's own. */
export const hostAddress = (host: number): string => `127.0.0.${host + 2}`;

/**
 * One feed in fifty answers 500, one in fifty is not XML, one in a hundred never answers;
 * every feed on host 0 (when there are several hosts) answers slowly: the slow host that must
 * not hold up the others. A single feed is always a working one.
 */
export function kindOf(index: number, feeds: number, hosts: number): FeedKind {
  if (feeds === 1) return 'ok';
  if (index % 50 === 7) return 'error-500';
  if (index % 50 === 23) return 'malformed';
  if (index % 100 === 41) return 'timeout';
  if (hosts > 1 && index % hosts === 0) return 'slow';
  return 'ok';
}

/** `articles` items spread evenly over the feeds that work; the first ones take the remainder. */
export function planFarm(feeds: number, articles: number, { maxHosts = 8, tag = 'r' }: FarmPlanOptions = {}): FarmPlan {
  if (!Number.isInteger(feeds) || feeds < 1) throw new RangeError(`feeds must be a whole number ≥ 1, not ${feeds}`);
  const hosts = Math.max(1, Math.min(feeds, maxHosts, 250));
  const kinds = Array.from({ length: feeds }, (_, i) => kindOf(i, feeds, hosts));
  const working = kinds.filter((k) => k === 'ok' || k === 'slow').length;
  if (articles < working)
    throw new RangeError(`${articles} articles cannot fill ${working} working feeds with one item each`);
  const each = Math.floor(articles / working);
  let extra = articles - each * working;
  const planned = kinds.map((kind, i): PlannedFeed => {
    const works = kind === 'ok' || kind === 'slow';
    const items = works ? each + (extra > 0 ? 1 : 0) : 0;
    if (works && extra > 0) extra--;
    return { host: i % hosts, path: `/${tag}/feed-${String(i).padStart(4, '0')}.xml`, kind, items };
  });
  return { hosts, feeds: planned, articles };
}
