import { redisKeys } from '@tidings/shared';
import type { Redis } from 'ioredis';

/**
 * Claims articles for a run in one step: an article unseen, or already claimed by this same
 * run (a retried loader job), belongs to the run; one claimed by another run does not. The
 * claim is also the "seen" mark that makes tomorrow's run skip it, for `ttl` seconds.
 *
 * KEYS: one seen key per article. ARGV: run id, ttl seconds, "1" to take over existing claims (reclassify).
 */
const CLAIM = `
local claimed = {}
for i, key in ipairs(KEYS) do
  local owner = redis.call('GET', key)
  if owner == false or owner == ARGV[1] or ARGV[3] == '1' then
    redis.call('SET', key, ARGV[1], 'EX', ARGV[2])
    claimed[i] = 1
  else
    claimed[i] = 0
  end
end
return claimed
`;

/** Gives back claims a run made but could not use, e.g. when its flow could not be added. */
const RELEASE = `
for _, key in ipairs(KEYS) do
  if redis.call('GET', key) == ARGV[1] then redis.call('DEL', key) end
end
return 1
`;

export class SeenArticles {
  private readonly keys;
  constructor(
    private readonly redis: Redis,
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
