import fs from 'node:fs';
import type { RedisConnection } from '@tidings/runtime';
import { type KeySpaceSource, luaCommand, ownTopicId, redisKeys } from '@tidings/shared';
import { checkOwnTopics, type OwnTopicLimits } from '@tidings/subscriptions';
import { type ApiResult, type ErrorBody, refuse } from './result.js';

const CLAIM_OWN_TOPICS = fs.readFileSync(new URL('./commands/claim-own-topics.lua', import.meta.url), 'utf8');
const DAY_SECONDS = 24 * 60 * 60;

export type OwnTopicClaim = { ok: true; claimed: string[] } | { ok: false; refusal: ApiResult<ErrorBody> };

/**
 * How many own topics new to the deployment one client (request.ip) may add a day. Every such
 * topic costs classifier time on every article until nobody has it, and OWN_TOPICS_MAX is
 * shared: without this, one client fills the deployment's ceiling for everyone in a few
 * requests. A topic somebody already has costs nothing, and one the client added earlier in
 * its window is free again, so swapping topics out and in does not use the budget up. The
 * count lives in Redis, shared by every dashboard replica and kept across restarts.
 */
export class OwnTopicQuota {
  private readonly claimCommand;

  constructor(
    private readonly redis: RedisConnection,
    private readonly options: {
      space: KeySpaceSource;
      labels: string[];
      limits: OwnTopicLimits;
      /** OWN_TOPICS_PER_CLIENT */
      perDay: number;
    },
  ) {
    this.claimCommand = luaCommand<(string | number)[]>(redis, 'tidingsClaimOwnTopics', CLAIM_OWN_TOPICS);
  }

  /**
   * Charges `client` for the topics among `words` that no subscription has yet, or refuses
   * with 429 when that passes its budget. Throws OwnTopicError for words the store would
   * refuse anyway, so a bad request is answered with its own reason and charged nothing.
   */
  async claim(client: string, words: string[]): Promise<OwnTopicClaim> {
    const { limits, labels, perDay } = this.options;
    const ids = checkOwnTopics(words, labels, limits).map(ownTopicId);
    if (ids.length === 0) return { ok: true, claimed: [] };
    const registered = await this.redis.hmget(redisKeys(this.options.space).ownTopics, ...ids);
    const fresh = ids.filter((_, i) => registered[i] === null);
    if (fresh.length === 0) return { ok: true, claimed: [] };
    const [granted, ...rest] = await this.claimCommand([this.key(client)], [perDay, DAY_SECONDS, ...fresh]);
    if (Number(granted) === 1) return { ok: true, claimed: rest.map(String) };
    const [adding, ttl] = rest.map(Number);
    const hours = Math.ceil((ttl ?? DAY_SECONDS) / 3600);
    return {
      ok: false,
      refusal: {
        ...refuse(
          429,
          'TIDINGS_DASHBOARD_TOO_MANY_OWN_TOPICS',
          `ownTopics: this would add ${adding} own topics new to the deployment, and one client may add at most ${perDay} a day (OWN_TOPICS_PER_CLIENT); choose topics others already have, or try again in ${hours} h`,
        ),
        headers: { 'retry-after': String(ttl) },
      },
    };
  }

  /** Gives back what a claim charged when the change it was for did not happen. */
  async release(client: string, claimed: string[]): Promise<void> {
    if (claimed.length > 0) await this.redis.srem(this.key(client), ...claimed);
  }

  private key(client: string): string {
    return redisKeys(this.options.space).ownTopicClaims(client);
  }
}
