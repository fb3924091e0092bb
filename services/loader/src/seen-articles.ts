import { redisKeys } from '@tidings/shared';
import type { Redis } from 'ioredis';

/** Which articles earlier runs already sent to classification; each id expires after its TTL. */
export class SeenArticles {
  private readonly keys;
  constructor(
    private readonly redis: Redis,
    prefix: string,
    private readonly ttlDays: number,
  ) {
    this.keys = redisKeys(prefix);
  }

  async filterNew<T extends { id: string }>(articles: T[]): Promise<T[]> {
    if (articles.length === 0) return [];
    const pipeline = this.redis.pipeline();
    for (const a of articles) pipeline.exists(this.keys.seenArticle(a.id));
    const results = (await pipeline.exec()) ?? [];
    return articles.filter((_, i) => results[i]?.[1] === 0);
  }

  async markSeen(ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    const ttl = Math.round(this.ttlDays * 86_400);
    const pipeline = this.redis.pipeline();
    for (const id of ids) pipeline.set(this.keys.seenArticle(id), '1', 'EX', ttl);
    await pipeline.exec();
  }
}
