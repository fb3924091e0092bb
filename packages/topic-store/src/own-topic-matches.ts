import { type KeySpaceSource, OWN_TOPIC_ID_PATTERN } from '@tidings/shared';
import type { Cluster, Redis } from 'ioredis';
import { z } from 'zod';
import { ownTopicMatchKeys } from './keys.js';

/** Most article ids a run's record keeps per own topic: a digest lists these, its count stays exact. */
export const RUN_OWN_TOPIC_ARTICLES = 20;

export interface ScoredArticle {
  articleId: string;
  /** Publication time, epoch ms. */
  published: number;
  score: number;
}

export interface OwnTopicMatch extends ScoredArticle {
  topicId: string;
}

/** What one run found for each own topic: the exact count and the newest matches' ids. */
export const RunOwnTopicsSchema = z.record(
  z.string().regex(OWN_TOPIC_ID_PATTERN),
  z.object({ count: z.number().int().nonnegative(), articleIds: z.array(z.string()) }),
);
export type RunOwnTopics = z.infer<typeof RunOwnTopicsSchema>;

const checkId = (topicId: string) => {
  if (!OWN_TOPIC_ID_PATTERN.test(topicId)) throw new RangeError(`not an own-topic id: '${topicId}'`);
  return topicId;
};

/**
 * Own-topic matches, kept beside the topic store's articles: per topic, the articles whose
 * score passed OWN_TOPIC_THRESHOLD and their scores, and per run what it found. Written by
 * the aggregator (a run's matches) and the classifiers (a new topic's backfill); read by the
 * dashboard (personal feeds, the subscriber's page) and the notifier (digests). Adding a
 * match twice changes nothing, so a repeated run page or backfill batch is harmless.
 */
export class OwnTopicMatches {
  private readonly keys;

  constructor(
    private readonly redis: Redis | Cluster,
    space: KeySpaceSource,
  ) {
    this.keys = ownTopicMatchKeys(space);
  }

  /** Matches of one topic; `scored` are every article its backfill scored, matching or not. */
  async add(topicId: string, matches: ScoredArticle[], scored: ScoredArticle[] = []): Promise<void> {
    const k = this.keys;
    checkId(topicId);
    if (matches.length === 0 && scored.length === 0) return;
    const pipeline = this.redis.pipeline().sadd(k.topics, topicId);
    if (matches.length > 0) pipeline.zadd(k.matches(topicId), ...matches.flatMap((m) => [m.published, m.articleId]));
    if (scored.length > 0) pipeline.zadd(k.backfilled(topicId), ...scored.flatMap((m) => [m.published, m.articleId]));
    const all = [...scored, ...matches];
    pipeline.hset(k.scores(topicId), ...all.flatMap((m) => [m.articleId, String(m.score)]));
    await pipeline.exec();
  }

  /** The newest `limit` matches across these topics, newest first, each with its topic and score. */
  async newest(topicIds: string[], limit: number, since = Number.NEGATIVE_INFINITY): Promise<OwnTopicMatch[]> {
    const ids = [...new Set(topicIds.map(checkId))];
    const lists = await Promise.all(
      ids.map((id) =>
        this.redis.zrevrangebyscore(this.keys.matches(id), '+inf', since, 'WITHSCORES', 'LIMIT', 0, limit),
      ),
    );
    const found = ids.flatMap((topicId, t) => {
      const flat = lists[t] ?? [];
      return Array.from({ length: flat.length / 2 }, (_, i) => ({
        topicId,
        articleId: flat[2 * i] ?? '',
        published: Number(flat[2 * i + 1]),
      }));
    });
    found.sort((a, b) => b.published - a.published || a.articleId.localeCompare(b.articleId));
    const kept = found.slice(0, limit);
    const pipeline = this.redis.pipeline();
    for (const m of kept) pipeline.hget(this.keys.scores(m.topicId), m.articleId);
    const scores = (await pipeline.exec()) ?? [];
    return kept.map((m, i) => ({ ...m, score: Number(scores[i]?.[1] ?? 0) }));
  }

  /** Each topic's number of matches published since `since` (epoch ms). */
  async countsSince(topicIds: string[], since: number): Promise<Record<string, number>> {
    const ids = [...new Set(topicIds.map(checkId))];
    const counts = await Promise.all(ids.map((id) => this.redis.zcount(this.keys.matches(id), since, '+inf')));
    return Object.fromEntries(ids.map((id, i) => [id, counts[i] ?? 0]));
  }

  /** A topic's score of each article, where one is stored (undefined elsewhere). */
  async scores(topicId: string, articleIds: string[]): Promise<(number | undefined)[]> {
    if (articleIds.length === 0) return [];
    const raws = await this.redis.hmget(this.keys.scores(checkId(topicId)), ...articleIds);
    return raws.map((raw) => (raw === null ? undefined : Number(raw)));
  }

  /**
   * A run's own-topic record, kept `keepMs` (the run's retention); written before the run's
   * own record, so a retried aggregator rewrites it alike.
   */
  async writeRun(runId: string, record: RunOwnTopics, keepMs: number): Promise<void> {
    await this.redis.set(this.keys.run(runId), JSON.stringify(RunOwnTopicsSchema.parse(record)), 'PX', keepMs);
  }

  /** What a run found per own topic; {} for a run that found nothing (or whose record is unreadable). */
  async run(runId: string): Promise<RunOwnTopics> {
    const raw = await this.redis.get(this.keys.run(runId));
    if (!raw) return {};
    try {
      const parsed = RunOwnTopicsSchema.safeParse(JSON.parse(raw));
      return parsed.success ? parsed.data : {};
    } catch {
      return {};
    }
  }

  /** Deletes the matches and scores of articles published before the cutoff; returns how many matches. */
  async prune(cutoff: Date): Promise<number> {
    const max = `(${cutoff.getTime()}`;
    let removed = 0;
    for (const topicId of await this.redis.smembers(this.keys.topics)) {
      if (!OWN_TOPIC_ID_PATTERN.test(topicId)) continue;
      const k = this.keys;
      const [old, oldScored] = await Promise.all([
        this.redis.zrangebyscore(k.matches(topicId), '-inf', max),
        this.redis.zrangebyscore(k.backfilled(topicId), '-inf', max),
      ]);
      const ids = [...new Set([...old, ...oldScored])];
      if (ids.length > 0) {
        await this.redis
          .multi()
          .zremrangebyscore(k.matches(topicId), '-inf', max)
          .zremrangebyscore(k.backfilled(topicId), '-inf', max)
          .hdel(k.scores(topicId), ...ids)
          .exec();
      }
      removed += old.length;
      if ((await this.redis.exists(k.matches(topicId), k.backfilled(topicId))) === 0)
        await this.redis.srem(k.topics, topicId);
    }
    return removed;
  }
}
