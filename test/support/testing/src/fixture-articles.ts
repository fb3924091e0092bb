import { readFeed } from '@tidings/loader';
import type { Article } from '@tidings/shared';

/**
 * A fixture feed's articles exactly as the loader reads them, so a test of a later stage (the
 * classifier) starts from the loader's real output without importing a service beside it.
 */
export async function fixtureArticles(feed: string, summaryMaxChars = 1000): Promise<Article[]> {
  const { articles } = await readFeed(feed, { summaryMaxChars });
  return articles;
}
