import fs from 'node:fs';
import { type KeySpaceSource, luaCommand, redisKeys, type ScriptHost } from '@tidings/shared';

const CLAIM = fs.readFileSync(new URL('./commands/claim-articles.lua', import.meta.url), 'utf8');
const RELEASE = fs.readFileSync(new URL('./commands/release-claims.lua', import.meta.url), 'utf8');

/**
 * Which articles are new: each is claimed atomically by one run (commands/claim-articles.lua),
 * so two runs at the same moment never share one and tomorrow's run skips it.
 */
export class SeenArticles {
  private readonly keys;
  private readonly claimScript;
  private readonly releaseScript;

  constructor(
    redis: ScriptHost,
    space: KeySpaceSource,
    private readonly ttlDays: number,
  ) {
    this.keys = redisKeys(space);
    this.claimScript = luaCommand<number[]>(redis, 'tidingsClaimArticles', CLAIM);
    this.releaseScript = luaCommand<number>(redis, 'tidingsReleaseClaims', RELEASE);
  }

  /** The articles that are this run's to classify; with `reclassify`, all of them. */
  async claim<T extends { id: string }>(runId: string, articles: T[], { reclassify = false } = {}): Promise<T[]> {
    if (articles.length === 0) return [];
    const ttl = Math.round(this.ttlDays * 86_400);
    const claimed = await this.claimScript(
      articles.map((a) => this.keys.seenArticle(a.id)),
      [runId, ttl, reclassify ? '1' : '0'],
    );
    return articles.filter((_, i) => claimed[i] === 1);
  }

  async release(runId: string, ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.releaseScript(
      ids.map((id) => this.keys.seenArticle(id)),
      [runId],
    );
  }
}
