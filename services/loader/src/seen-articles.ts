import fs from 'node:fs';
import type { RedisConnection } from '@tidings/runtime';
import { redisKeys } from '@tidings/shared';

const CLAIM = fs.readFileSync(new URL('./commands/claim-articles.lua', import.meta.url), 'utf8');
const RELEASE = fs.readFileSync(new URL('./commands/release-claims.lua', import.meta.url), 'utf8');

/**
 * Which articles are new: each is claimed atomically by one run (commands/claim-articles.lua),
 * so two runs at the same moment never share one and tomorrow's run skips it.
 */

export class SeenArticles {
  private readonly keys;
  constructor(
    private readonly redis: RedisConnection,
    prefix: string,
    private readonly ttlDays: number,
  ) {
    this.keys = redisKeys(prefix);
  }

  /** The articles that are this run's to classify; with `reclassify`, all of them. */
  async claim<T extends { id: string }>(runId: string, articles: T[], { reclassify = false } = {}): Promise<T[]> {
    if (articles.length === 0) return [];
    const ttl = Math.round(this.ttlDays * 86_400);
    const claimed = (await this.redis.eval(
      CLAIM,
      articles.length,
      ...articles.map((a) => this.keys.seenArticle(a.id)),
      runId,
      ttl,
      reclassify ? '1' : '0',
    )) as number[];
    return articles.filter((_, i) => claimed[i] === 1);
  }

  async release(runId: string, ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.redis.eval(RELEASE, ids.length, ...ids.map((id) => this.keys.seenArticle(id)), runId);
  }
}
