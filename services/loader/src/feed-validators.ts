import { redisKeys } from '@tidings/shared';
import type { Redis } from 'ioredis';
import type { Validators } from './fetch-feed.js';

/** ETag and Last-Modified per feed, for conditional GETs. */
export class FeedValidatorStore {
  private readonly keys;
  constructor(
    private readonly redis: Redis,
    prefix: string,
  ) {
    this.keys = redisKeys(prefix);
  }

  async get(feed: string): Promise<Validators> {
    const stored = await this.redis.hgetall(this.keys.feedValidators(feed));
    const validators: Validators = {};
    if (stored.etag) validators.etag = stored.etag;
    if (stored.lastModified) validators.lastModified = stored.lastModified;
    return validators;
  }

  async set(feed: string, validators: Validators): Promise<void> {
    const key = this.keys.feedValidators(feed);
    const entries = Object.entries(validators).filter(([, v]) => v !== undefined) as [string, string][];
    const tx = this.redis.multi().del(key);
    if (entries.length > 0) tx.hset(key, Object.fromEntries(entries));
    await tx.exec();
  }
}
