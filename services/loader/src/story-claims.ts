import fs from 'node:fs';
import type { RedisConnection } from '@tidings/runtime';
import { type Article, redisKeys, type StorySource } from '@tidings/shared';
import { DEFAULT_SIGNATURE_OPTIONS, type SignatureOptions, storySignature } from './story-signature.js';

const CLAIM = fs.readFileSync(new URL('./commands/claim-stories.lua', import.meta.url), 'utf8');

export interface StoryClaimsOptions {
  /** STORY_SIMILARITY: the estimated Jaccard similarity at which two articles are one story. */
  similarity: number;
  /** STORY_WINDOW_HOURS: a story stays joinable for one to two windows after it was first seen. */
  windowHours: number;
  /** How long a story's sources are kept: as long as the story itself (RETENTION_DAYS). */
  sourcesTtlDays: number;
  /** Sources kept per story: a story every outlet carries must not grow without bound. */
  maxSources?: number;
  /** Articles per Lua call: each call holds Redis for its length (about 0.1 ms an article), so a big run is cut up. */
  chunkSize?: number;
  signature?: SignatureOptions;
}

export interface StoryClaimResult<T extends Article> {
  /** The articles this run classifies, one per story, in the order given. */
  stories: T[];
  /** Copies of a story (this run's or an earlier one's): recorded as its sources, never classified. */
  copies: { article: T; storyId: string }[];
}

function sourceOf(article: Article): StorySource {
  return { feed: article.feed, title: article.title, link: article.link, published: article.published };
}

/**
 * Which articles are one story: each batch of articles this run claimed as seen is matched
 * against the stories of the last one to two windows in one Lua script
 * (commands/claim-stories.lua), so concurrent loaders agree, and a copy joins its story even
 * after the story's classify job exists. Claiming the same batch again for the same run gives
 * the same answer and records no source twice.
 */
export class StoryClaims {
  private readonly keys;
  private readonly options: Required<StoryClaimsOptions>;

  constructor(
    private readonly redis: RedisConnection,
    prefix: string,
    options: StoryClaimsOptions,
  ) {
    this.keys = redisKeys(prefix);
    this.options = { maxSources: 20, chunkSize: 100, signature: DEFAULT_SIGNATURE_OPTIONS, ...options };
  }

  async claim<T extends Article>(
    runId: string,
    articles: T[],
    { reclassify = false } = {},
  ): Promise<StoryClaimResult<T>> {
    const result: StoryClaimResult<T> = { stories: [], copies: [] };
    const { chunkSize } = this.options;
    for (let from = 0; from < articles.length; from += chunkSize) {
      const chunk = articles.slice(from, from + chunkSize);
      const storyIds = await this.claimChunk(runId, chunk, reclassify);
      chunk.forEach((article, i) => {
        const storyId = storyIds[i] ?? article.id;
        if (storyId === article.id) result.stories.push(article);
        else result.copies.push({ article, storyId });
      });
    }
    return result;
  }

  private async claimChunk(runId: string, articles: Article[], reclassify: boolean): Promise<string[]> {
    const { similarity, windowHours, sourcesTtlDays, maxSources } = this.options;
    const bucketSeconds = Math.max(1, Math.round(windowHours * 3_600));
    const sourcesTtl = Math.max(Math.round(sourcesTtlDays * 86_400), 2 * bucketSeconds);
    const args: (string | number | Buffer)[] = [
      runId,
      similarity,
      bucketSeconds,
      sourcesTtl,
      maxSources,
      reclassify ? '1' : '0',
      this.keys.storyIndexPrefix,
      this.keys.storySources(''),
      articles.length,
    ];
    for (const article of articles) {
      const signed = storySignature(article, this.options.signature);
      args.push(article.id, signed?.signature ?? '', signed?.bands.join(' ') ?? '', JSON.stringify(sourceOf(article)));
    }
    return (await this.redis.eval(CLAIM, 0, ...args)) as string[];
  }
}
