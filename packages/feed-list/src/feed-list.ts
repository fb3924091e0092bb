import { type FeedReport, type KeySpaceSource, keySpace } from '@tidings/shared';
import type { Cluster, Redis } from 'ioredis';
import type { OpmlFeed } from './opml.js';

export interface ListedFeed extends OpmlFeed {
  addedAt: string;
  /** How the feed did in the last run that read it. */
  last?: { status: FeedReport['status']; at: string; error?: string };
}

/**
 * Not under `<prefix>:feeds:`, which is BullMQ's: a job named "list" would collide. Each key is
 * used alone, so on a cluster it needs no hash tag and keeps its name.
 */
const keys = (space: KeySpaceSource) => {
  const { prefix } = keySpace(space);
  return { list: `${prefix}:feed-list`, status: `${prefix}:feed-status` };
};

/**
 * The feeds an operator added (by hand or from OPML), read by every run beside FEED_URLS,
 * and the last status of every feed a run read, so `tidings feeds list` shows which fail.
 */
export class FeedList {
  private readonly keys;

  constructor(
    private readonly redis: Redis | Cluster,
    space: KeySpaceSource,
  ) {
    this.keys = keys(space);
  }

  /** Adds feeds not listed yet; returns how many were new. */
  async add(feeds: OpmlFeed[]): Promise<number> {
    if (feeds.length === 0) return 0;
    const now = new Date().toISOString();
    const pipeline = this.redis.pipeline();
    for (const f of feeds) pipeline.hsetnx(this.keys.list, f.url, JSON.stringify({ title: f.title, addedAt: now }));
    const results = (await pipeline.exec()) ?? [];
    return results.filter(([, added]) => added === 1).length;
  }

  async remove(url: string): Promise<boolean> {
    return (await this.redis.hdel(this.keys.list, url)) === 1;
  }

  async urls(): Promise<string[]> {
    return (await this.redis.hkeys(this.keys.list)).sort();
  }

  async has(url: string): Promise<boolean> {
    return (await this.redis.hexists(this.keys.list, url)) === 1;
  }

  async list(): Promise<ListedFeed[]> {
    const [listed, statuses] = await Promise.all([
      this.redis.hgetall(this.keys.list),
      this.redis.hgetall(this.keys.status),
    ]);
    return Object.entries(listed)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([url, raw]) => {
        const entry = JSON.parse(raw) as { title?: string; addedAt: string };
        const last = statuses[url];
        return { url, ...entry, ...(last ? { last: JSON.parse(last) } : {}) };
      });
  }

  /** Called by the loader as each feed of a run is read. */
  async recordStatus(reports: FeedReport[], at = new Date()): Promise<void> {
    if (reports.length === 0) return;
    const fields = reports.flatMap((r) => [
      r.url,
      JSON.stringify({ status: r.status, at: at.toISOString(), ...(r.error ? { error: r.error.message } : {}) }),
    ]);
    await this.redis.hset(this.keys.status, ...fields);
  }
}
