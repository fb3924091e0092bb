import {
  type Digest,
  type KeySpaceSource,
  type Run,
  RunSchema,
  type RunSummary,
  RunSummarySchema,
  redisKeys,
  StorySourceSchema,
  type TopicArticle,
  TopicArticleSchema,
} from '@tidings/shared';
import type { Cluster, Redis } from 'ioredis';
import type { z } from 'zod';
import { groupByTopic } from './group-topics.js';
import { storeKeys } from './keys.js';

export interface Page {
  offset?: number;
  limit?: number;
}

export interface DigestQuery {
  /** Window length; the digest shows articles published this long before the newest one. */
  hours: number;
  /** The end of the window is the newest article published at or before this time (default now). */
  at?: Date;
  /** At most this many articles per topic, the newest; each topic's count stays exact. */
  perTopic?: number;
}

/** A stored record that does not match its schema: skipped by every read, and reported. */
export interface BadRecord {
  key: string;
  problem: string;
}

export interface TopicStoreReaderOptions {
  /** Label order for ties between equally large topics (LABELS). */
  labelOrder?: string[];
  /** Called for each stored record a read had to skip; the default ignores them. */
  onBadRecord?: (record: BadRecord) => void;
}

/**
 * What the dashboard, the CLI, status and the notifier read of the topic store; only the
 * aggregator writes it (TopicStoreWriter). A stored record that cannot be read (written by
 * another version, or by hand) is skipped and reported through onBadRecord, never thrown:
 * one bad record must not take the page or /metrics down.
 */
export class TopicStoreReader {
  protected readonly keys;
  private readonly sharedKeys;
  private readonly labelOrder: string[];
  private readonly onBadRecord: (record: BadRecord) => void;

  constructor(
    protected readonly redis: Redis | Cluster,
    space: KeySpaceSource,
    options: TopicStoreReaderOptions = {},
  ) {
    this.keys = storeKeys(space);
    this.sharedKeys = redisKeys(space);
    this.labelOrder = options.labelOrder ?? [];
    this.onBadRecord = options.onBadRecord ?? (() => {});
  }

  private parse<T>(schema: z.ZodType<T>, key: string, raw: string): T | undefined {
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch {
      this.onBadRecord({ key, problem: 'not JSON' });
      return undefined;
    }
    const parsed = schema.safeParse(value);
    if (parsed.success) return parsed.data;
    this.onBadRecord({ key, problem: parsed.error.issues[0]?.message ?? 'does not match its schema' });
    return undefined;
  }

  async latestRunId(): Promise<string | null> {
    return (await this.redis.zrevrange(this.keys.runs, 0, 0))[0] ?? null;
  }

  async hasRun(runId: string): Promise<boolean> {
    return (await this.redis.exists(this.keys.run(runId))) === 1;
  }

  async run(runId: string): Promise<Run | null> {
    const key = this.keys.run(runId);
    const raw = await this.redis.get(key);
    return (raw && this.parse(RunSchema, key, raw)) || null;
  }

  /** Runs newest first, without their topic groups: read from their summaries, never their records. */
  async runs({ offset = 0, limit = 20 }: Page = {}): Promise<{ total: number; runs: RunSummary[] }> {
    const ids = await this.redis.zrevrange(this.keys.runs, offset, offset + limit - 1);
    const total = await this.redis.zcard(this.keys.runs);
    if (ids.length === 0) return { total, runs: [] };
    const raws = await this.redis.mget(ids.map((id) => this.keys.runSummary(id)));
    const runs = raws.flatMap((raw, i) => {
      const key = this.keys.runSummary(ids[i] ?? '');
      const summary = raw ? this.parse(RunSummarySchema, key, raw) : undefined;
      return summary ? [summary] : [];
    });
    return { total, runs };
  }

  /** Ids of every article the run wrote, in no order. */
  runArticleIds(runId: string): Promise<string[]> {
    return this.redis.smembers(this.keys.runArticles(runId));
  }

  async labels(): Promise<string[]> {
    const stored = await this.redis.smembers(this.keys.labels);
    const known = this.labelOrder.filter((l) => stored.includes(l));
    return [...known, ...stored.filter((l) => !known.includes(l)).sort()];
  }

  /** Number of stored articles per label. */
  async topicSizes(): Promise<Record<string, number>> {
    const labels = await this.labels();
    const sizes = await Promise.all(labels.map((l) => this.redis.zcard(this.keys.topic(l))));
    return Object.fromEntries(labels.map((l, i) => [l, sizes[i] ?? 0]));
  }

  /** Articles of one topic, newest first, across all runs. */
  async topicArticles(label: string, { offset = 0, limit = 20 }: Page = {}) {
    const key = this.keys.topic(label);
    const [ids, total] = await Promise.all([
      this.redis.zrevrange(key, offset, offset + limit - 1),
      this.redis.zcard(key),
    ]);
    return { label, total, offset, limit, articles: await this.articles(ids) };
  }

  /** The newest `limit` articles across the given topics, newest first: what a topic feed serves. */
  async newestArticles(labels: string[], limit: number): Promise<TopicArticle[]> {
    const perTopic = await Promise.all(
      labels.map((l) => this.redis.zrevrange(this.keys.topic(l), 0, limit - 1, 'WITHSCORES')),
    );
    const scored: [string, number][] = perTopic.flatMap((flat) =>
      Array.from(
        { length: flat.length / 2 },
        (_, i) => [flat[2 * i] ?? '', Number(flat[2 * i + 1])] as [string, number],
      ),
    );
    scored.sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
    return this.articles(scored.slice(0, limit).map(([id]) => id));
  }

  private async articles(ids: string[]): Promise<TopicArticle[]> {
    if (ids.length === 0) return [];
    const pipeline = this.redis.pipeline();
    // A story's sources are kept beside it, not in its record: a copy that arrives after the
    // story was classified and stored is still listed.
    for (const id of ids) pipeline.hget(this.keys.article(id), 'data').lrange(this.sharedKeys.storySources(id), 0, -1);
    const rows = (await pipeline.exec()) ?? [];
    return ids.flatMap((id, i) => {
      const raw = rows[2 * i]?.[1];
      const article = typeof raw === 'string' ? this.parse(TopicArticleSchema, this.keys.article(id), raw) : undefined;
      if (!article) return [];
      // A story told by one outlet has no list: its only source is itself.
      const sources = this.sources(id, rows[2 * i + 1]?.[1]);
      const own = { feed: article.feed, title: article.title, link: article.link, published: article.published };
      return [{ ...article, sources: sources.length > 0 ? sources : [own] }];
    });
  }

  private sources(storyId: string, raws: unknown): NonNullable<TopicArticle['sources']> {
    if (!Array.isArray(raws)) return [];
    const key = this.sharedKeys.storySources(storyId);
    return raws.flatMap((raw) => {
      const source = typeof raw === 'string' ? this.parse(StorySourceSchema, key, raw) : undefined;
      return source ? [source] : [];
    });
  }

  /**
   * The reader's digest: every stored article published within `hours` of the newest one,
   * grouped by topic. Anchoring on the newest article rather than the clock keeps a quiet
   * feed (or the offline fixture) showing its last day instead of an empty page.
   */
  async digest({ hours, at = new Date(), perTopic }: DigestQuery): Promise<Digest> {
    const labels = await this.labels();
    const newestPerLabel = await Promise.all(
      labels.map((l) =>
        this.redis.zrevrangebyscore(this.keys.topic(l), at.getTime(), '-inf', 'WITHSCORES', 'LIMIT', 0, 1),
      ),
    );
    const newest = Math.max(...newestPerLabel.map((r) => Number(r[1] ?? Number.NEGATIVE_INFINITY)));
    const latestRun = await this.latestRunId();
    const generatedAt = new Date().toISOString();
    if (!Number.isFinite(newest))
      return { generatedAt, windowHours: hours, from: null, to: null, runId: latestRun, topics: [] };
    const from = newest - hours * 3_600_000;
    return {
      generatedAt,
      windowHours: hours,
      from: new Date(from).toISOString(),
      to: new Date(newest).toISOString(),
      runId: latestRun,
      topics: await this.groupsBetween(labels, `(${from}`, String(at.getTime()), perTopic),
    };
  }

  /** Each label's articles with scores in [min, max], newest first, grouped; at most `perTopic` each. */
  private async groupsBetween(labels: string[], min: string, max: string, perTopic?: number) {
    const range = (l: string) =>
      perTopic === undefined
        ? this.redis.zrevrangebyscore(this.keys.topic(l), max, min)
        : this.redis.zrevrangebyscore(this.keys.topic(l), max, min, 'LIMIT', 0, perTopic);
    const [idLists, counts] = await Promise.all([
      Promise.all(labels.map(range)),
      perTopic === undefined
        ? undefined
        : Promise.all(labels.map((l) => this.redis.zcount(this.keys.topic(l), min, max))),
    ]);
    const articles = await this.articles(idLists.flat());
    return groupByTopic(articles, this.labelOrder, {
      counts: counts && Object.fromEntries(labels.map((l, i) => [l, counts[i] ?? 0])),
    });
  }

  /** Every stored article published in [start, end), grouped by topic: one day of history. */
  async digestBetween(start: number, end: number, { perTopic }: { perTopic?: number } = {}): Promise<Digest> {
    const labels = await this.labels();
    return {
      generatedAt: new Date().toISOString(),
      windowHours: (end - start) / 3_600_000,
      from: new Date(start).toISOString(),
      to: new Date(end).toISOString(),
      runId: null,
      topics: await this.groupsBetween(labels, String(start), `(${end}`, perTopic),
    };
  }

  /**
   * Articles per topic in each of the given [start, end) ranges: the trends chart's numbers,
   * counted by Redis (ZCOUNT) without reading an article.
   */
  async countsBetween(ranges: { start: number; end: number }[]): Promise<Record<string, number>[]> {
    const labels = await this.labels();
    const pipeline = this.redis.pipeline();
    for (const { start, end } of ranges) {
      for (const l of labels) pipeline.zcount(this.keys.topic(l), start, `(${end}`);
    }
    const counts = ((await pipeline.exec()) ?? []).map(([, n]) => Number(n));
    return ranges.map((_, r) => Object.fromEntries(labels.map((l, i) => [l, counts[r * labels.length + i] ?? 0])));
  }

  /**
   * The stored runs at a glance: their number and the oldest and newest id. It changes
   * whenever a run is written or pruned, so a reader can poll it cheaply to stay current.
   */
  async runRange(): Promise<{ count: number; oldest: string | null; newest: string | null }> {
    const [count, oldest, newest] = await Promise.all([
      this.redis.zcard(this.keys.runs),
      this.redis.zrange(this.keys.runs, 0, 0),
      this.redis.zrevrange(this.keys.runs, 0, 0),
    ]);
    return { count, oldest: oldest[0] ?? null, newest: newest[0] ?? null };
  }

  /** Every stored run's id, oldest first. */
  async runIds(): Promise<string[]> {
    return this.redis.zrange(this.keys.runs, 0, -1);
  }

  /** Ids of the stored articles published at or after `since` (epoch ms), in every topic. */
  async articleIdsPublishedSince(since: number): Promise<string[]> {
    const labels = await this.redis.smembers(this.keys.labels);
    const lists = await Promise.all(labels.map((l) => this.redis.zrangebyscore(this.keys.topic(l), since, '+inf')));
    return [...new Set(lists.flat())];
  }

  /**
   * Ids of the stored articles published in [since, until) (epoch ms), of one label or all,
   * oldest first (ties by id): the same ids in the same order each time the store is unchanged.
   */
  async articleIdsPublishedBetween(since: number, until: number, label?: string): Promise<string[]> {
    const labels = label === undefined ? await this.redis.smembers(this.keys.labels) : [label];
    const lists = await Promise.all(
      labels.map((l) => this.redis.zrangebyscore(this.keys.topic(l), since, `(${until}`, 'WITHSCORES')),
    );
    const published = new Map<string, number>();
    for (const flat of lists)
      for (let i = 0; i < flat.length; i += 2) published.set(flat[i] ?? '', Number(flat[i + 1]));
    return [...published.keys()].sort(
      (a, b) => (published.get(a) ?? 0) - (published.get(b) ?? 0) || (a < b ? -1 : a > b ? 1 : 0),
    );
  }

  /** The stored articles with these ids, in the same order; ids not stored (or unreadable) are left out. */
  articlesById(ids: string[]): Promise<TopicArticle[]> {
    return this.articles(ids);
  }
}
