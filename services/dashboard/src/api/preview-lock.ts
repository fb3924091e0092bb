import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import type { RedisConnection } from '@tidings/runtime';
import { type KeySpaceSource, luaCommand } from '@tidings/shared';
import { dashboardKeys } from './dashboard-keys.js';

const RELEASE_PREVIEW_LOCK = fs.readFileSync(new URL('./commands/release-preview-lock.lua', import.meta.url), 'utf8');

/** Who a preview is for: a subscriber by their feed key (their page), or a dashboard client (request.ip). */
export type PreviewReader = { feedKey: string } | { client: string };

export type PreviewLockAttempt = { ok: true; release: () => Promise<void> } | { ok: false; retryAfterS: number };

/**
 * One preview at a time per reader, across every dashboard replica: a key in Redis set while
 * the reader's preview runs. It expires on its own a little after the preview's budget, so a
 * dashboard that died mid-preview blocks its reader no longer than that.
 */
export class PreviewLock {
  private readonly releaseCommand;
  private readonly keys;

  constructor(
    private readonly redis: RedisConnection,
    space: KeySpaceSource,
    /** PREVIEW_TIMEOUT_MS plus a moment for the answer. */
    private readonly ttlMs: number,
  ) {
    this.releaseCommand = luaCommand<number>(redis, 'tidingsReleasePreviewLock', RELEASE_PREVIEW_LOCK);
    this.keys = dashboardKeys(space);
  }

  async acquire(reader: PreviewReader): Promise<PreviewLockAttempt> {
    const key = this.key(reader);
    const token = randomUUID();
    if ((await this.redis.set(key, token, 'PX', this.ttlMs, 'NX')) === 'OK')
      return { ok: true, release: async () => void (await this.releaseCommand([key], [token])) };
    const left = await this.redis.pttl(key);
    return { ok: false, retryAfterS: Math.max(1, Math.ceil((left > 0 ? left : this.ttlMs) / 1000)) };
  }

  // Hashed: a feed key is a capability and an address is personal; key names show in SCAN and MONITOR.
  private key(reader: PreviewReader): string {
    const who = 'feedKey' in reader ? `feed:${reader.feedKey}` : `client:${reader.client}`;
    return this.keys.preview(createHash('sha256').update(who).digest('hex').slice(0, 32));
  }
}
