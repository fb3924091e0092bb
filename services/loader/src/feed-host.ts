/** The host a feed is fetched from, for politeness; undefined for a local file, which needs none. */
export function feedHost(feed: string): string | undefined {
  if (!/^https?:\/\//i.test(feed)) return undefined;
  try {
    return new URL(feed).hostname.toLowerCase();
  } catch {
    return undefined;
  }
}
