import fs from 'node:fs';
import {
  type Digest,
  type Run,
  RunSchema,
  type RunSummary,
  type TopicArticle,
  TopicArticleSchema,
} from '@tidings/contracts';
import type { Redis } from 'ioredis';
import type { z } from 'zod';
import { groupByTopic } from './group-topics.js';
import { storeKeys } from './keys.js';

const WRITE_RUN = fs.readFileSync(new URL('./commands/write-run.lua', import.meta.url), 'utf8');

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

/** A stored record that does not match its schema: skipped by every read, and reported. */
export interface BadRecord {
  key: string;
  problem: string;
}

export interface TopicStoreOptions {
  /** Label order for ties between equally large topics (LABELS). */
  labelOrder?: string[];
  /** Called for each stored record a read had to skip; the default ignores them. */
  onBadRecord?: (record: BadRecord) => void;
}

/**
 * The topic store: the only code that knows its Redis keys. A stored record that cannot be
 * read (written by another version, or by hand) is skipped and reported through
 * onBadRecord, never thrown: one bad record must not take the page or /metrics down.
 */
export class TopicStore {
  private readonly keys;
  private readonly labelOrder: string[];
  private readonly onBadRecord: (record: BadRecord) => void;

  constructor(
    private readonly redis: Redis,
    prefix: string,
    options: TopicStoreOptions = {},
  ) {
    this.keys = storeKeys(prefix);
    this.labelOrder = options.labelOrder ?? [];
    this.onBadRecord = options.onBadRecord ?? (() => {});
    this.redis.defineCommand('tidingsWriteRun', { lua: WRITE_RUN });
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

  /** Writes the run and its articles atomically; false when the run was already written. */
  async writeRun(run: Run): Promise<boolean> {
    const store = this.keys;
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

  /** Runs newest first, without their topic groups. */
  async runs({ offset = 0, limit = 20 }: Page = {}): Promise<{ total: number; runs: RunSummary[] }> {
    const ids = await this.redis.zrevrange(this.keys.runs, offset, offset + limit - 1);
    const total = await this.redis.zcard(this.keys.runs);
    if (ids.length === 0) return { total, runs: [] };
    const raws = await this.redis.mget(ids.map((id) => this.keys.run(id)));
    const runs = raws.flatMap((raw, i) => {
      const run = raw ? this.parse(RunSchema, this.keys.run(ids[i] ?? ''), raw) : undefined;
      if (!run) return [];
      const { topics: _topics, ...summary } = run;
      return [summary];
    });
    return { total, runs };
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
    for (const id of ids) pipeline.hget(this.keys.article(id), 'data');
    const rows = (await pipeline.exec()) ?? [];
    return rows.flatMap(([, raw], i) => {
      const article =
        typeof raw === 'string' ? this.parse(TopicArticleSchema, this.keys.article(ids[i] ?? ''), raw) : undefined;
      return article ? [article] : [];
    });
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
        this.redis.zrevrangebyscore(this.keys.topic(l), at.getTime(), '-inf', 'WITHSCORES', 'LIMIT', 0, 1),
      ),
    );
    const newest = Math.max(...newestPerLabel.map((r) => Number(r[1] ?? Number.NEGATIVE_INFINITY)));
    const latestRun = await this.latestRunId();
    const generatedAt = new Date().toISOString();
    if (!Number.isFinite(newest))
      return { generatedAt, windowHours: hours, from: null, to: null, runId: latestRun, topics: [] };
    const from = newest - hours * 3_600_000;
    const idLists = await Promise.all(
      labels.map((l) => this.redis.zrevrangebyscore(this.keys.topic(l), at.getTime(), `(${from}`)),
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

  /** Every stored article published in [start, end), grouped by topic: one day of history. */
  async digestBetween(start: number, end: number): Promise<Digest> {
    const labels = await this.labels();
    const idLists = await Promise.all(
      labels.map((l) => this.redis.zrevrangebyscore(this.keys.topic(l), `(${end}`, start)),
    );
    const articles = await this.articles(idLists.flat());
    return {
      generatedAt: new Date().toISOString(),
      windowHours: (end - start) / 3_600_000,
      from: new Date(start).toISOString(),
      to: new Date(end).toISOString(),
      runId: null,
      topics: groupByTopic(articles, this.labelOrder),
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

  /** Deletes articles published, and runs started, before the cutoff. */
  async prune(cutoff: Date): Promise<{ articles: number; runs: number }> {
    const max = `(${cutoff.getTime()}`;
    let articles = 0;
    for (const label of await this.redis.smembers(this.keys.labels)) {
      const key = this.keys.topic(label);
      const ids = await this.redis.zrangebyscore(key, '-inf', max);
      if (ids.length === 0) continue;
      await this.redis
        .multi()
        .del(...ids.map((id) => this.keys.article(id)))
        .zremrangebyscore(key, '-inf', max)
        .exec();
      articles += ids.length;
    }
    const runIds = await this.redis.zrangebyscore(this.keys.runs, '-inf', max);
    if (runIds.length > 0) {
      await this.redis
        .multi()
        .del(...runIds.map((id) => this.keys.run(id)))
        .zremrangebyscore(this.keys.runs, '-inf', max)
        .exec();
    }
    return { articles, runs: runIds.length };
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

  /** The stored articles with these ids, in the same order; ids not stored (or unreadable) are left out. */
  articlesById(ids: string[]): Promise<TopicArticle[]> {
    return this.articles(ids);
  }
}
