import fs from 'node:fs';
import {
  type FeedbackExample,
  FeedbackExampleSchema,
  type KeySpaceSource,
  luaCommand,
  verdictAgrees,
} from '@tidings/shared';
import type { Cluster, Redis } from 'ioredis';
import { feedbackKeys } from './keys.js';

const RECORD_FEEDBACK = fs.readFileSync(new URL('./commands/record-feedback.lua', import.meta.url), 'utf8');

export interface FeedbackLimits {
  /** Most examples kept per reader (FEEDBACK_PER_READER): their oldest go first. */
  perReader: number;
  /** Most examples kept in total (FEEDBACK_MAX): the oldest go first. */
  total: number;
}

export interface RecordOutcome {
  /** The reader had judged this article and topic before; that verdict is replaced. */
  replaced: boolean;
  /** Examples dropped to keep within the bounds (the reader's or everyone's oldest). */
  dropped: number;
}

/** One topic's verdicts: how many, and how many said the article was rightly there. */
export interface TopicFeedbackStats {
  kind: FeedbackExample['kind'];
  topic: string;
  examples: number;
  agree: number;
  /** agree / examples; null without examples. */
  accuracy: number | null;
}

const statsField = (e: Pick<FeedbackExample, 'kind' | 'topic'>) => `${e.kind}:${e.topic}`;
const padMs = (iso: string) => String(Date.parse(iso)).padStart(15, '0');

/**
 * Readers' verdicts as labelled examples in Redis. A vote is one script call: it replaces the
 * reader's earlier verdict on the same article and topic (the example id says which), keeps
 * each reader and the whole store within bounds, and moves the per-topic counts the page shows.
 */
export class FeedbackStore {
  private readonly keys;
  private readonly recordCommand;

  constructor(
    private readonly redis: Redis | Cluster,
    space: KeySpaceSource,
    private readonly limits: FeedbackLimits,
  ) {
    this.keys = feedbackKeys(space);
    this.recordCommand = luaCommand<[number, number]>(redis, 'tidingsRecordFeedback', RECORD_FEEDBACK);
  }

  /** Stores a verdict (checked against the schema first), replacing the reader's earlier one. */
  async record(input: FeedbackExample): Promise<RecordOutcome> {
    const example = FeedbackExampleSchema.parse(input);
    const k = this.keys;
    const [replaced, dropped] = await this.recordCommand(
      [k.examples, k.meta, k.order, k.byReader, k.stats, k.revision],
      [
        example.id,
        JSON.stringify(example),
        statsField(example),
        verdictAgrees(example) ? 1 : 0,
        example.reader,
        padMs(example.at),
        this.limits.perReader,
        this.limits.total,
      ],
    );
    return { replaced: Number(replaced) === 1, dropped: Number(dropped) };
  }

  /** Grows by one with every vote recorded: equal revisions, no vote in between. */
  async revision(): Promise<number> {
    return Number((await this.redis.get(this.keys.revision)) ?? 0);
  }

  async count(): Promise<number> {
    return this.redis.zcard(this.keys.order);
  }

  /**
   * Every example, oldest first, read a page at a time. A stored example that no longer
   * matches its schema is skipped and passed to `onBadRecord`, never thrown.
   */
  async list(onBadRecord?: (id: string, reason: string) => void): Promise<FeedbackExample[]> {
    const out: FeedbackExample[] = [];
    const pageSize = 500;
    for (let start = 0; ; start += pageSize) {
      const ids = await this.redis.zrange(this.keys.order, start, start + pageSize - 1);
      if (ids.length === 0) break;
      const raws = await this.redis.hmget(this.keys.examples, ...ids);
      raws.forEach((raw, i) => {
        const id = ids[i] ?? '';
        if (raw === null) return;
        let value: unknown;
        try {
          value = JSON.parse(raw);
        } catch {
          onBadRecord?.(id, 'not JSON');
          return;
        }
        const parsed = FeedbackExampleSchema.safeParse(value);
        if (parsed.success) out.push(parsed.data);
        else onBadRecord?.(id, parsed.error.issues[0]?.message ?? 'does not match the schema');
      });
      if (ids.length < pageSize) break;
    }
    return out;
  }

  /** Per topic: how many verdicts, and the share that agreed with where the article was shown. One HGETALL. */
  async topicStats(): Promise<TopicFeedbackStats[]> {
    const raw = await this.redis.hgetall(this.keys.stats);
    const byField = new Map<string, { examples: number; agree: number }>();
    for (const [name, value] of Object.entries(raw)) {
      const tab = name.lastIndexOf('\t');
      const field = name.slice(0, tab);
      const entry = byField.get(field) ?? { examples: 0, agree: 0 };
      if (name.slice(tab + 1) === 'examples') entry.examples = Number(value);
      else entry.agree = Number(value);
      byField.set(field, entry);
    }
    const stats: TopicFeedbackStats[] = [];
    for (const [field, { examples, agree }] of byField) {
      if (examples <= 0) continue;
      const colon = field.indexOf(':');
      const kind = field.slice(0, colon) === 'own' ? 'own' : 'label';
      stats.push({ kind, topic: field.slice(colon + 1), examples, agree, accuracy: agree / examples });
    }
    return stats.sort((a, b) => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : 0));
  }
}
