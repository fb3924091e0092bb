import {
  type Digest,
  type Run,
  RunSchema,
  type RunSummary,
  redisKeys,
  type TopicArticle,
  TopicArticleSchema,
} from '@tidings/shared';
import type { Redis } from 'ioredis';
import { groupByTopic } from './group-topics.js';

/**
 * Writes a run once: if the run's record exists nothing is touched, so a retried or
 * duplicated aggregate job cannot change the store. An article classified again (a
 * reclassify run) moves from its old topic to its new one.
 *
 * KEYS: run, runs, labels, then (article, topic) per article.
 * ARGV: run JSON, run score, run id, topic key prefix, then (article JSON, label, published ms, id, score, run id) per article.
 */
const WRITE_RUN = `
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('SET', KEYS[1], ARGV[1])
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[3])
local n = (#KEYS - 3) / 2
for i = 0, n - 1 do
  local articleKey, topicKey = KEYS[4 + 2 * i], KEYS[5 + 2 * i]
  local a = 5 + 6 * i
  local old = redis.call('HGET', articleKey, 'label')
  if old and old ~= ARGV[a + 1] then redis.call('ZREM', ARGV[4] .. old, ARGV[a + 3]) end
  redis.call('HSET', articleKey, 'data', ARGV[a], 'label', ARGV[a + 1], 'published', ARGV[a + 2], 'score', ARGV[a + 4], 'runId', ARGV[a + 5])
  redis.call('ZADD', topicKey, ARGV[a + 2], ARGV[a + 3])
  redis.call('SADD', KEYS[3], ARGV[a + 1])
end
return 1
`;

export interface Page {
  offset?: number;
  limit?: number;
}

export interface DigestQuery {
  /** Window length; the digest shows articles published this long before the newest one. */
  hours: number;
  /** The end of the window is the newest article published at or before this time (default now). */
  at?: Date;
}

/** The topic store: the only code that knows its Redis keys. */
export class TopicStore {
  private readonly keys;

  constructor(
    private readonly redis: Redis,
    prefix: string,
    private readonly labelOrder: string[] = [],
  ) {
    this.keys = redisKeys(prefix);
    this.redis.defineCommand('tidingsWriteRun', { lua: WRITE_RUN });
  }

  /** Writes the run and its articles atomically; false when the run was already written. */
  async writeRun(run: Run): Promise<boolean> {
    const store = this.keys.store;
    const articles = run.topics.flatMap((g) => g.articles);
    const keys = [store.run(run.id), store.runs, store.labels];
    const args: (string | number)[] = [JSON.stringify(run), Date.parse(run.startedAt), run.id, store.topic('')];
    for (const a of articles) {
      keys.push(store.article(a.id), store.topic(a.label));
      args.push(JSON.stringify(a), a.label, Date.parse(a.published), a.id, a.score, a.runId);
    }
    const written = await (
      this.redis as unknown as { tidingsWriteRun(n: number, ...a: (string | number)[]): Promise<number> }
    ).tidingsWriteRun(keys.length, ...keys, ...args);
    return written === 1;
  }

  async latestRunId(): Promise<string | null> {
    return (await this.redis.zrevrange(this.keys.store.runs, 0, 0))[0] ?? null;
  }

  async hasRun(runId: string): Promise<boolean> {
    return (await this.redis.exists(this.keys.store.run(runId))) === 1;
  }

  async run(runId: string): Promise<Run | null> {
    const raw = await this.redis.get(this.keys.store.run(runId));
    return raw ? RunSchema.parse(JSON.parse(raw)) : null;
  }

  /** Runs newest first, without their topic groups. */
  async runs({ offset = 0, limit = 20 }: Page = {}): Promise<{ total: number; runs: RunSummary[] }> {
    const ids = await this.redis.zrevrange(this.keys.store.runs, offset, offset + limit - 1);
    const total = await this.redis.zcard(this.keys.store.runs);
    if (ids.length === 0) return { total, runs: [] };
    const raws = await this.redis.mget(ids.map((id) => this.keys.store.run(id)));
    const runs = raws.flatMap((raw) => {
      if (!raw) return [];
      const { topics: _topics, ...summary } = RunSchema.parse(JSON.parse(raw));
      return [summary];
    });
    return { total, runs };
  }

  async labels(): Promise<string[]> {
    const stored = await this.redis.smembers(this.keys.store.labels);
    const known = this.labelOrder.filter((l) => stored.includes(l));
    return [...known, ...stored.filter((l) => !known.includes(l)).sort()];
  }

  /** Number of stored articles per label. */
  async topicSizes(): Promise<Record<string, number>> {
    const labels = await this.labels();
    const sizes = await Promise.all(labels.map((l) => this.redis.zcard(this.keys.store.topic(l))));
    return Object.fromEntries(labels.map((l, i) => [l, sizes[i] ?? 0]));
  }

  /** Articles of one topic, newest first, across all runs. */
  async topicArticles(label: string, { offset = 0, limit = 20 }: Page = {}) {
    const key = this.keys.store.topic(label);
    const [ids, total] = await Promise.all([
      this.redis.zrevrange(key, offset, offset + limit - 1),
      this.redis.zcard(key),
    ]);
    return { label, total, offset, limit, articles: await this.articles(ids) };
  }

  private async articles(ids: string[]): Promise<TopicArticle[]> {
    if (ids.length === 0) return [];
    const pipeline = this.redis.pipeline();
    for (const id of ids) pipeline.hget(this.keys.store.article(id), 'data');
    const rows = (await pipeline.exec()) ?? [];
    return rows.flatMap(([, raw]) => (typeof raw === 'string' ? [TopicArticleSchema.parse(JSON.parse(raw))] : []));
  }

  /**
   * The reader's digest: every stored article published within `hours` of the newest one,
   * grouped by topic. Anchoring on the newest article rather than the clock keeps a quiet
   * feed (or the offline fixture) showing its last day instead of an empty page.
   */
  async digest({ hours, at = new Date() }: DigestQuery): Promise<Digest> {
    const labels = await this.labels();
    const newestPerLabel = await Promise.all(
      labels.map((l) =>
        this.redis.zrevrangebyscore(this.keys.store.topic(l), at.getTime(), '-inf', 'WITHSCORES', 'LIMIT', 0, 1),
      ),
    );
    const newest = Math.max(...newestPerLabel.map((r) => Number(r[1] ?? Number.NEGATIVE_INFINITY)));
    const latestRun = await this.latestRunId();
    const generatedAt = new Date().toISOString();
    if (!Number.isFinite(newest))
      return { generatedAt, windowHours: hours, from: null, to: null, runId: latestRun, topics: [] };
    const from = newest - hours * 3_600_000;
    const idLists = await Promise.all(
      labels.map((l) => this.redis.zrevrangebyscore(this.keys.store.topic(l), at.getTime(), `(${from}`)),
    );
    const articles = await this.articles(idLists.flat());
    return {
      generatedAt,
      windowHours: hours,
      from: new Date(from).toISOString(),
      to: new Date(newest).toISOString(),
      runId: latestRun,
      topics: groupByTopic(articles, this.labelOrder),
    };
  }

  /** Deletes articles published, and runs started, before the cutoff. */
  async prune(cutoff: Date): Promise<{ articles: number; runs: number }> {
    const max = `(${cutoff.getTime()}`;
    let articles = 0;
    for (const label of await this.redis.smembers(this.keys.store.labels)) {
      const key = this.keys.store.topic(label);
      const ids = await this.redis.zrangebyscore(key, '-inf', max);
      if (ids.length === 0) continue;
      await this.redis
        .multi()
        .del(...ids.map((id) => this.keys.store.article(id)))
        .zremrangebyscore(key, '-inf', max)
        .exec();
      articles += ids.length;
    }
    const runIds = await this.redis.zrangebyscore(this.keys.store.runs, '-inf', max);
    if (runIds.length > 0) {
      await this.redis
        .multi()
        .del(...runIds.map((id) => this.keys.store.run(id)))
        .zremrangebyscore(this.keys.store.runs, '-inf', max)
        .exec();
    }
    return { articles, runs: runIds.length };
  }
}
