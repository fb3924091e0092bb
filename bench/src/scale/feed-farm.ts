import type http from 'node:http';
import { type FeedHandler, generatedFeed, startFeedServer } from '@tidings/feed-fixtures';
import { type FarmPlan, type FeedKind, hostAddress } from './farm-plan.js';

export interface FeedFarmOptions {
  /** How long a slow host takes to answer. */
  slowMs?: number;
  /** Publication time of each feed's newest item; each later item is a minute older. */
  published?: Date;
}

/** What the farm saw of one host: how hard it was hit, and how politely. */
export interface HostLoad {
  address: string;
  requests: number;
  /** Most requests this host had in flight at once. */
  maxInFlight: number;
}

export interface FeedFarm {
  /** Every feed's URL, in plan order. */
  urls: string[];
  load(): HostLoad[];
  close(): Promise<void>;
}

const MALFORMED = 'this is not a feed { "rss": <channel';

function handlerFor(kind: FeedKind, body: string, slowMs: number): FeedHandler {
  const send = (res: http.ServerResponse) =>
    res.writeHead(200, { 'content-type': 'application/rss+xml; charset=utf-8' }).end(body);
  switch (kind) {
    case 'ok':
      return (_req, res) => send(res);
    case 'slow':
      return (_req, res) => {
        const timer = setTimeout(() => send(res), slowMs);
        res.on('close', () => clearTimeout(timer));
      };
    case 'error-500':
      return (_req, res) => res.writeHead(500, { 'content-type': 'text/plain' }).end('internal error');
    case 'malformed':
      return (_req, res) => res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(MALFORMED);
    case 'timeout':
      // Never answers: the loader's FETCH_TIMEOUT_MS has to end it.
      return () => {};
  }
}

/** Counts requests and the most in flight at once, per host. */
function tracked(handler: FeedHandler, load: HostLoad, inFlight: { n: number }): FeedHandler {
  return (req, res, hit) => {
    load.requests++;
    inFlight.n++;
    load.maxInFlight = Math.max(load.maxInFlight, inFlight.n);
    res.once('close', () => inFlight.n--);
    handler(req, res, hit);
  };
}

/** The plan served for real: one HTTP server per loopback host, bodies generated once. */
export async function startFeedFarm(plan: FarmPlan, options: FeedFarmOptions = {}): Promise<FeedFarm> {
  const { slowMs = 500, published = new Date() } = options;
  // Summaries of a real feed's length: generatedFeed gives each item 32 words of its own.
  const publishedAt = (i: number) => new Date(published.getTime() - i * 60_000);
  const loads: HostLoad[] = [];
  const servers: Awaited<ReturnType<typeof startFeedServer>>[] = [];
  try {
    for (let host = 0; host < plan.hosts; host++) {
      const load: HostLoad = { address: hostAddress(host), requests: 0, maxInFlight: 0 };
      const inFlight = { n: 0 };
      const routes: Record<string, FeedHandler> = {};
      for (const feed of plan.feeds.filter((f) => f.host === host)) {
        const tag = feed.path.replace(/^\/|\.xml$/g, '').replace(/\//g, '-');
        const body = feed.items > 0 ? generatedFeed(feed.items, { tag, published: publishedAt }) : '';
        routes[feed.path] = tracked(handlerFor(feed.kind, body, slowMs), load, inFlight);
      }
      servers.push(await startFeedServer(routes, { host: load.address }));
      loads.push(load);
    }
  } catch (err) {
    await Promise.all(servers.map((s) => s.close()));
    throw err;
  }
  return {
    urls: plan.feeds.map((f) => servers[f.host]?.url(f.path) ?? ''),
    load: () => loads.map((l) => ({ ...l })),
    close: async () => {
      await Promise.all(servers.map((s) => s.close()));
    },
  };
}
