import { createHmac } from 'node:crypto';
import type { FeedExtension } from './feed-formats.js';

/**
 * The key that opens the topic feeds when DASHBOARD_TOKEN is set. Feed readers cannot send
 * headers, so the key travels in the URL; it is derived from the token, so changing the
 * token revokes every key handed out, and it reveals nothing about the token itself.
 */
export function topicFeedKey(token: string): string {
  return createHmac('sha256', token).update('tidings topic feeds').digest('hex').slice(0, 32);
}

/**
 * A topic feed's URL as a reader subscribes to it: absolute, with the key when one is needed.
 * The dashboard names it as the feed's `self`, and WebSub pings name the same URL.
 */
export function topicFeedUrl(
  baseUrl: string,
  token: string | undefined,
  slug: string,
  extension: FeedExtension,
): string {
  const url = new URL(`feeds/${slug}.${extension}`, baseUrl);
  if (token) url.searchParams.set('key', topicFeedKey(token));
  return url.toString();
}

/** A subscriber's own feed: the feed key in the path is the only credential, so no `?key=`. */
export function personalFeedUrl(baseUrl: string, feedKey: string, extension: FeedExtension): string {
  return new URL(`feeds/s/${feedKey}.${extension}`, baseUrl).toString();
}
