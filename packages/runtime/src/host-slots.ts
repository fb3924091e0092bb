import fs from 'node:fs';
import { luaCommand } from '@tidings/shared';
import type { RedisConnection } from './redis.js';

const TAKE = fs.readFileSync(new URL('./commands/take-host-slot.lua', import.meta.url), 'utf8');

/** Where one kind of work keeps a host's slots; both keys of a host in one cluster slot. */
export interface HostSlotKeys {
  holders(host: string): string;
  next(host: string): string;
}

export interface HostSlotsOptions {
  /** Holders at one host at once, across every process. */
  slots: number;
  /** Least time between the starts of two requests to one host; 0 for none. */
  gapMs: number;
  /** A holder's lease; longer than the work it holds the slot for, so it is never cut short. */
  leaseMs: number;
  /** The longest a refused holder is told to wait before asking again (default 1 s). */
  longestWaitMs?: number;
}

/**
 * Per-host slots shared by every process through Redis (commands/take-host-slot.lua): a host
 * is worked on by at most `slots` holders at once, with `gapMs` between starts. A job whose
 * host is busy is put back for later by its worker, so one slow host never holds the others.
 */
export class HostSlots {
  private readonly takeScript;

  constructor(
    private readonly redis: RedisConnection,
    private readonly keys: HostSlotKeys,
    private readonly options: HostSlotsOptions,
  ) {
    this.takeScript = luaCommand<number>(redis, 'tidingsTakeHostSlot', TAKE);
  }

  /** 0 when `holder` may work on `host` now; else the ms to wait before asking again. */
  async take(host: string, holder: string, now = Date.now()): Promise<number> {
    const { slots, gapMs, leaseMs, longestWaitMs = 1000 } = this.options;
    const keys = [this.keys.holders(host), this.keys.next(host)];
    return Number(await this.takeScript(keys, [now, holder, leaseMs, slots, gapMs, longestWaitMs]));
  }

  async release(host: string, holder: string): Promise<void> {
    await this.redis.zrem(this.keys.holders(host), holder);
  }
}
