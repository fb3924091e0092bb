import type { RedisConnection } from '@tidings/runtime';
import type { KeySpaceSource } from '@tidings/shared';
import { dashboardKeys } from '../api/dashboard-keys.js';

/** Failed token attempts per client per window, the same budget the login form has. */
export const FAILED_ATTEMPTS_PER_MINUTE = 10;
const WINDOW_SECONDS = 60;

/**
 * Counts failed token attempts (Bearer headers and the login form) per client in Redis, so
 * every dashboard replica shares one budget and a restart does not reset it. Once a client
 * is over budget, even the right token is refused until the window passes: otherwise a
 * guesser would still learn when it hit.
 */
export class AttemptLimiter {
  private readonly keys;

  constructor(
    private readonly redis: RedisConnection,
    space: KeySpaceSource,
  ) {
    this.keys = dashboardKeys(space);
  }

  async isBlocked(client: string): Promise<boolean> {
    return Number((await this.redis.get(this.key(client))) ?? 0) >= FAILED_ATTEMPTS_PER_MINUTE;
  }

  async recordFailure(client: string): Promise<void> {
    const key = this.key(client);
    // The window starts at the first failure and is never extended by later ones.
    await this.redis.multi().set(key, 0, 'EX', WINDOW_SECONDS, 'NX').incr(key).exec();
  }

  private key(client: string): string {
    return this.keys.failedAuth(client);
  }
}
