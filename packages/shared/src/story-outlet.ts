import type { StorySource } from './schemas.js';

/** An outlet as a reader knows it: the host of its link, else of its feed, else the feed file's name. */
export function outletName(source: Pick<StorySource, 'feed' | 'link'>): string {
  for (const url of [source.link, source.feed]) {
    if (!URL.canParse(url)) continue;
    const { hostname } = new URL(url);
    if (hostname) return hostname.replace(/^www\./, '');
  }
  return source.feed.split(/[\\/]/).pop() || source.feed;
}
