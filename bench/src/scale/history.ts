import { buildRun } from '@tidings/aggregator';
import type { Article, ClassifyResult, Run } from '@tidings/contracts';
import { TopicStore } from '@tidings/topic-store';
import type { Redis } from 'ioredis';

export interface HistoryOptions {
  days: number;
  articlesPerDay: number;
  labels: string[];
  now?: Date;
}

/**
 * One past day's run as the aggregator would have written it: built by the aggregator's own
 * buildRun, so it is a valid record in every field the page reads.
 */
export function historyRun(daysAgo: number, articles: number, labels: string[], now: Date): Run {
  const runId = `history-${daysAgo}`;
  const startedAt = new Date(now.getTime() - daysAgo * 86_400_000);
  const list: Article[] = Array.from({ length: articles }, (_, i) => {
    const published = new Date(startedAt.getTime() - (i % 1440) * 60_000).toISOString();
    return {
      id: `h${daysAgo}x${i}`,
      feed: 'http://127.0.0.2/history.xml',
      title: `Past story ${i} of day ${daysAgo}: markets move after the report`,
      summary: `Story ${i}. Analysts said the quarter showed growth while prices rose this week.`,
      link: `https://gen.example/history/${daysAgo}/${i}`,
      published,
      publishedEstimated: false,
      fetchedAt: startedAt.toISOString(),
    };
  });
  const results: ClassifyResult[] = list.map((a, i) => {
    const label = labels[i % labels.length] ?? 'Other';
    return {
      articleId: a.id,
      label,
      score: 0.5,
      scores: Object.fromEntries(labels.map((l) => [l, l === label ? 0.5 : 0.5 / (labels.length - 1)])),
      model: 'no-op',
      dtype: 'fp32',
      ms: 0,
    };
  });
  return buildRun({
    manifest: { runId, trigger: 'schedule', startedAt: startedAt.toISOString(), feeds: [], articles: list },
    results,
    failureReasons: new Map(),
    finishedAt: new Date(startedAt.getTime() + 60_000),
    finalisedBy: 'aggregator',
    labelOrder: labels,
  });
}

/**
 * `days` past daily runs written through the topic store's own writeRun, the way the
 * aggregator writes them: the history the page and API read beside today's run.
 */
export async function seedHistory(redis: Redis, prefix: string, options: HistoryOptions): Promise<number> {
  const store = new TopicStore(redis, prefix, { labelOrder: options.labels });
  const now = options.now ?? new Date();
  let written = 0;
  for (let d = 1; d <= options.days; d++) {
    if (await store.writeRun(historyRun(d, options.articlesPerDay, options.labels, now))) written++;
  }
  return written;
}
