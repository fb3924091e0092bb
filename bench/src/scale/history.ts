import { RunBuilder } from '@tidings/aggregator';
import type { RedisConnection } from '@tidings/runtime';
import type { Run, TopicArticle } from '@tidings/shared';
import { buildArticle, buildClassifyResult, buildRunManifest } from '@tidings/testing';
import { TopicStoreWriter, WRITE_PAGE } from '@tidings/topic-store';

export interface HistoryOptions {
  days: number;
  articlesPerDay: number;
  labels: string[];
  now?: Date;
}

/**
 * One past day's run as the aggregator would have built it, with its RunBuilder: every
 * article as the store keeps it, and the run's record.
 */
export function historyRun(
  daysAgo: number,
  articles: number,
  labels: string[],
  now: Date,
): { run: Run; articles: TopicArticle[] } {
  const runId = `history-${daysAgo}`;
  const startedAt = new Date(now.getTime() - daysAgo * 86_400_000);
  const builder = new RunBuilder(
    buildRunManifest({ runId, trigger: 'schedule', startedAt: startedAt.toISOString() }),
    labels,
  );
  const stored: TopicArticle[] = [];
  for (let i = 0; i < articles; i++) {
    const article = buildArticle({
      id: `h${daysAgo}x${i}`,
      feed: 'http://127.0.0.2/history.xml',
      title: `Past story ${i} of day ${daysAgo}: markets move after the report`,
      summary: `Story ${i}. Analysts said the quarter showed growth while prices rose this week.`,
      link: `https://gen.example/history/${daysAgo}/${i}`,
      published: new Date(startedAt.getTime() - (i % 1440) * 60_000).toISOString(),
      fetchedAt: startedAt.toISOString(),
    });
    const label = labels[i % labels.length] ?? 'Other';
    const result = buildClassifyResult({
      articleId: article.id,
      label,
      score: 0.5,
      scores: Object.fromEntries(labels.map((l) => [l, l === label ? 0.5 : 0.5 / (labels.length - 1)])),
      model: 'no-op',
      ms: 0,
    });
    stored.push(builder.addClassified(article, result));
  }
  const run = builder.finish({
    feeds: [],
    finishedAt: new Date(startedAt.getTime() + 60_000),
    finalisedBy: 'aggregator',
  });
  return { run, articles: stored };
}

/**
 * `days` past daily runs written the way the aggregator writes them: every article in
 * store-sized steps, then the run's record. The history the page and API read beside today's run.
 */
export async function seedHistory(redis: RedisConnection, prefix: string, options: HistoryOptions): Promise<number> {
  const store = new TopicStoreWriter(redis, prefix, { labelOrder: options.labels });
  const now = options.now ?? new Date();
  let written = 0;
  for (let d = 1; d <= options.days; d++) {
    const { run, articles } = historyRun(d, options.articlesPerDay, options.labels, now);
    for (let start = 0; start < articles.length; start += WRITE_PAGE)
      await store.writeArticles(run.id, articles.slice(start, start + WRITE_PAGE));
    if (await store.writeRun(run)) written++;
  }
  return written;
}
