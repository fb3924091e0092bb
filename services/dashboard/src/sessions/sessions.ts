import { createHash, randomBytes } from 'node:crypto';
import type { RedisConnection } from '@tidings/runtime';
import type { KeySpaceSource } from '@tidings/shared';
import { dashboardKeys } from '../api/dashboard-keys.js';
import { digestsEqual, tokenDigest } from './token.js';

/** How long a login lasts; the cookie and the Redis key expire together. */
export const SESSION_TTL_SECONDS = 12 * 3600;
const SESSION_ID = /^[A-Za-z0-9_-]{43}$/;

/**
 * Login sessions, kept server-side in Redis so that logging out (or changing the token)
 * really ends them: the cookie holds 32 random bytes and nothing else. The key is a digest
 * of that value, so someone who can read Redis cannot replay a cookie from it, and the
 * value is a digest of the token the session was made with, so a new token ends every
 * older session.
 */
export class SessionStore {
  private readonly current: string;
  private readonly keys;

  constructor(
    private readonly redis: RedisConnection,
    space: KeySpaceSource,
    token: string,
  ) {
    this.current = tokenDigest(token);
    this.keys = dashboardKeys(space);
  }

  async create(): Promise<string> {
    const id = randomBytes(32).toString('base64url');
    await this.redis.set(this.key(id), this.current, 'EX', SESSION_TTL_SECONDS);
    return id;
  }

  async isValid(id: string): Promise<boolean> {
    if (!SESSION_ID.test(id)) return false;
    const made = await this.redis.get(this.key(id));
    if (made === null) return false;
    if (digestsEqual(made, this.current)) return true;
    await this.revoke(id); // made with an older token
    return false;
  }

  async revoke(id: string): Promise<void> {
    if (SESSION_ID.test(id)) await this.redis.del(this.key(id));
  }

  private key(id: string): string {
    return this.keys.session(createHash('sha256').update(id).digest('hex'));
  }
}
