import type { RedisConnection } from '@tidings/runtime';
import { type KeySpaceSource, OWN_TOPIC_ID_PATTERN, redisKeys } from '@tidings/shared';
import type { OwnTopicQuestion } from './zero-shot.js';

/** Longer words than any OWN_TOPIC_MAX_CHARS allows are not a topic the store wrote. */
const MAX_WORDS = 200;

/**
 * Every own topic some subscription has, as the subscription store registered it, in a
 * stable order. Read for each job, so a topic added or dropped counts from the next article
 * on. Anyone who can write to Redis can write here too: an entry that is not an id and
 * plain words of a sane length is skipped, never asked of the model.
 */
export async function readOwnTopics(redis: RedisConnection, space: KeySpaceSource): Promise<OwnTopicQuestion[]> {
  const all = await redis.hgetall(redisKeys(space).ownTopics);
  return Object.entries(all)
    .filter(([id, words]) => OWN_TOPIC_ID_PATTERN.test(id) && words.length > 0 && words.length <= MAX_WORDS)
    .filter(([, words]) => !/[{}<>]/.test(words))
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([id, words]) => ({ id, words }));
}
