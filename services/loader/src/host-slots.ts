import fs from 'node:fs';
import type { RedisConnection } from '@tidings/runtime';
import { type KeySpaceSource, luaCommand, redisKeys } from '@tidings/shared';

const TAKE = fs.readFileSync(new URL('./commands/take-host-slot.lua', import.meta.url), 'utf8');

export interface HostSlotsOptions {
  /** Feeds read from one host at once, across every loader (FEED_HOST_CONCURRENCY). */
  slots: number;
  /** Least time between the starts of two requests to one host (FEED_HOST_DELAY_MS). */
  gapMs: number;
  /** A holder's lease; longer than one feed's read (its timeout and retries), so it is never cut short. */
  leaseMs: number;
}

/** The host a feed is fetched from, for politeness; undefined for a local file, which needs none. */
export function feedHost(feed: string): string | undefined {
  if (!/^https?:\/\//i.test(feed)) return undefined;
  try {
    return new URL(feed).hostname.toLowerCase();
  } catch {
    return undefined;
  }
}

/**
 * Per-host politeness shared by every loader through Redis (commands/take-host-slot.lua):
 * a host is read by at most `slots` loaders at once, with `gapMs` between requests. A feed
 * whose host is busy is put back for later, so one slow host never holds the others.
 */
export class HostSlots {
  private readonly keys;
  private readonly takeScript;

  constructor(
    private readonly redis: RedisConnection,
    space: KeySpaceSource,
    private readonly options: HostSlotsOptions,
  ) {
    this.keys = redisKeys(space);
    this.takeScript = luaCommand<number>(redis, 'tidingsTakeHostSlot', TAKE);
  }

  /** 0 when `holder` may read from `host` now; else the ms to wait before asking again. */
  async take(host: string, holder: string, now = Date.now()): Promise<number> {
    const { slots, gapMs, leaseMs } = this.options;
    const keys = [this.keys.feedHostReaders(host), this.keys.feedHostNext(host)];
    return Number(await this.takeScript(keys, [now, holder, leaseMs, slots, gapMs]));
  }

  async release(host: string, holder: string): Promise<void> {
    await this.redis.zrem(this.keys.feedHostReaders(host), holder);
  }
}
