import type { TopicStoreReader } from './topic-store-reader.js';

/**
 * Where "the last `days` days" of stored articles start (epoch ms, inclusive), or null when
 * nothing is stored. The window ends at the newest stored article, as the digest's does, so
 * a quiet deployment (or the offline fixture) shows its last days instead of nothing.
 */
export async function recentWindowStart(store: TopicStoreReader, days: number): Promise<number | null> {
  // A digest of no articles per topic reads only the newest article's time and the counts.
  const window = await store.digest({ hours: days * 24, perTopic: 0 });
  // The digest's window excludes its start.
  return window.from === null ? null : Date.parse(window.from) + 1;
}
