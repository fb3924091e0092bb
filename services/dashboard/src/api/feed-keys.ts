import { timingSafeEqual } from 'node:crypto';
import { topicFeedKey } from '@tidings/shared';

export function isTopicFeedKey(candidate: unknown, token: string): boolean {
  if (typeof candidate !== 'string') return false;
  const expected = Buffer.from(topicFeedKey(token));
  const given = Buffer.from(candidate);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
