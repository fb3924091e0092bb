import fs from 'node:fs';
import { type KeySpaceSource, luaCommand, redisKeys, type ScriptHost } from '@tidings/shared';

const TAKE = fs.readFileSync(new URL('./commands/take-reclassify-slot.lua', import.meta.url), 'utf8');
const RELEASE = fs.readFileSync(new URL('./commands/release-reclassify-slot.lua', import.meta.url), 'utf8');

/** What the slot needs of a Redis client (ioredis's Redis and Cluster have it). */
export interface SlotClient extends ScriptHost {
  get(key: string): Promise<string | null>;
}

/**
 * The one reclassify run in progress (`<p>:reclassify-active`): taken when a run is requested
 * (two at once would classify the same articles twice over), freed by the aggregator once the
 * run's report is written, or by the request itself when its flow could not be added.
 */
export class ReclassifySlot {
  private readonly key: string;
  private readonly takeScript;
  private readonly releaseScript;

  constructor(
    private readonly redis: SlotClient,
    space: KeySpaceSource,
  ) {
    this.key = redisKeys(space).reclassifyActive;
    this.takeScript = luaCommand<string>(redis, 'tidingsTakeReclassifySlot', TAKE);
    this.releaseScript = luaCommand<number>(redis, 'tidingsReleaseReclassifySlot', RELEASE);
  }

  /** The run that holds the slot, if any. */
  holder(): Promise<string | null> {
    return this.redis.get(this.key);
  }

  /** Takes the slot for `runId`, over `stale` (a run found gone) if that holds it; returns who holds it now. */
  take(runId: string, stale: string | null): Promise<string> {
    return this.takeScript([this.key], [runId, stale ?? '']);
  }

  /** Frees the slot if `runId` still holds it. */
  async release(runId: string): Promise<void> {
    await this.releaseScript([this.key], [runId]);
  }
}
