import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The key that opens the topic feeds when DASHBOARD_TOKEN is set. Feed readers cannot send
 * headers, so the key travels in the URL; it is derived from the token, so changing the
 * token revokes every key handed out, and it reveals nothing about the token itself.
 */
export function topicFeedKey(token: string): string {
  return createHmac('sha256', token).update('tidings topic feeds').digest('hex').slice(0, 32);
}

export function isTopicFeedKey(candidate: unknown, token: string): boolean {
  if (typeof candidate !== 'string') return false;
  const expected = Buffer.from(topicFeedKey(token));
  const given = Buffer.from(candidate);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
