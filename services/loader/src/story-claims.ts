import fs from 'node:fs';
import type { RedisConnection } from '@tidings/runtime';
import { type Article, type KeySpaceSource, luaCommand, redisKeys, type StorySource } from '@tidings/shared';
import { DEFAULT_SIGNATURE_OPTIONS, type SignatureOptions, storySignature } from './story-signature.js';

const CLAIM = fs.readFileSync(new URL('./commands/claim-stories.lua', import.meta.url), 'utf8');
const ADD_SOURCES = fs.readFileSync(new URL('./commands/add-story-sources.lua', import.meta.url), 'utf8');

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
 * after the story's classify job exists; then the copies are appended to their stories'
 * sources (commands/add-story-sources.lua), whose keys only the match names. Claiming the
 * same batch again for the same run gives the same answer and records no source twice, so a
 * retried job also lists a copy whose first attempt stopped between the two scripts.
 */
export class StoryClaims {
  private readonly keys;
  private readonly options: Required<StoryClaimsOptions>;
  private readonly claimScript;
  private readonly addSourcesScript;

  constructor(
    private readonly redis: RedisConnection,
    space: KeySpaceSource,
    options: StoryClaimsOptions,
  ) {
    this.keys = redisKeys(space);
    this.options = { maxSources: 20, chunkSize: 100, signature: DEFAULT_SIGNATURE_OPTIONS, ...options };
    this.claimScript = luaCommand<[string[], string[]]>(redis, 'tidingsClaimStories', CLAIM);
    this.addSourcesScript = luaCommand<number>(redis, 'tidingsAddStorySources', ADD_SOURCES);
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
    // Redis' clock, not this host's: loaders on hosts whose clocks differ agree on the bucket.
    const [seconds] = await this.redis.time();
    const bucket = Math.floor(Number(seconds) / bucketSeconds);
    const keys = [this.keys.storyIndex(bucket), this.keys.storyIndex(bucket - 1)];
    const args: (string | number | Buffer)[] = [
      runId,
      similarity,
      (bucket + 2) * bucketSeconds,
      reclassify ? '1' : '0',
      articles.length,
    ];
    const sources = articles.map((article) => JSON.stringify(sourceOf(article)));
    articles.forEach((article, i) => {
      const signed = storySignature(article, this.options.signature);
      args.push(article.id, signed?.signature ?? '', signed?.bands.join(' ') ?? '', sources[i] ?? '');
    });
    const [storyIds, owns] = await this.claimScript(keys, args);
    const copies = articles.flatMap((article, i) => {
      const storyId = storyIds[i] ?? article.id;
      return storyId === article.id
        ? []
        : [{ key: this.keys.storySources(storyId), own: owns[i] ?? '', source: sources[i] ?? '' }];
    });
    if (copies.length > 0)
      await this.addSourcesScript(
        copies.map((c) => c.key),
        [maxSources, sourcesTtl, ...copies.flatMap((c) => [c.own, c.source])],
      );
    return storyIds;
  }
}
