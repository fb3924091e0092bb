import type { RedisConnection } from '@tidings/runtime';
import { type KeySpaceSource, redisKeys } from '@tidings/shared';
import type { CacheHeaders } from './fetch-feed.js';

/** Each feed's last ETag and Last-Modified, sent back as If-None-Match / If-Modified-Since. */
export class FeedCacheHeaders {
  private readonly keys;
  constructor(
    private readonly redis: RedisConnection,
    space: KeySpaceSource,
  ) {
    this.keys = redisKeys(space);
  }

  async get(feed: string): Promise<CacheHeaders> {
    const stored = await this.redis.hgetall(this.keys.feedCacheHeaders(feed));
    const headers: CacheHeaders = {};
    if (stored.etag) headers.etag = stored.etag;
    if (stored.lastModified) headers.lastModified = stored.lastModified;
    return headers;
  }

  async set(feed: string, headers: CacheHeaders): Promise<void> {
    const key = this.keys.feedCacheHeaders(feed);
    const entries = Object.entries(headers).filter(([, v]) => v !== undefined) as [string, string][];
    const tx = this.redis.multi().del(key);
    if (entries.length > 0) tx.hset(key, Object.fromEntries(entries));
    await tx.exec();
  }
}
