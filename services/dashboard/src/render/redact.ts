import { redactUrl } from '@tidings/shared';

const URL_IN_TEXT = /\b[a-z][a-z0-9+.-]*:\/\/[^\s"'<>]+/gi;

/**
 * A feed as the page shows it: URLs lose their credentials (a feed behind basic auth or an
 * API key must not show it to everyone who can read the page); local file paths stay as they are.
 */
export function shownFeed(feed: string): string {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(feed) ? redactUrl(feed) : feed;
}

/** Error messages quote the URL they failed on; the same masking applies inside them. */
export function redactUrlsIn(text: string): string {
  return text.replace(URL_IN_TEXT, (url) => redactUrl(url));
}
