import type { TopicArticle, TopicGroup } from '@tidings/shared';

const byNewest = (a: TopicArticle, b: TopicArticle) =>
  b.published.localeCompare(a.published) || a.id.localeCompare(b.id);

export interface GroupOptions {
  /** Each label's full count, when `articles` holds only some of each topic's articles. */
  counts?: Record<string, number>;
  /** Keep only the newest this many articles of each group. */
  keep?: number;
}

/**
 * Articles grouped by label, newest first within a group. Groups come largest first; ties
 * keep the configured label order; "Other" (the catch-all) always comes last.
 */
export function groupByTopic(
  articles: TopicArticle[],
  labelOrder: string[] = [],
  { counts, keep }: GroupOptions = {},
): TopicGroup[] {
  const groups = new Map<string, TopicArticle[]>();
  for (const article of articles) {
    const list = groups.get(article.label) ?? [];
    list.push(article);
    groups.set(article.label, list);
  }
  const rank = (label: string) => {
    const i = labelOrder.indexOf(label);
    return i === -1 ? labelOrder.length : i;
  };
  return [...groups.entries()]
    .map(([label, list]) => ({
      label,
      count: counts?.[label] ?? list.length,
      articles: list.sort(byNewest).slice(0, keep ?? list.length),
    }))
    .sort((a, b) => {
      const aOther = a.label.toLowerCase() === 'other';
      const bOther = b.label.toLowerCase() === 'other';
      if (aOther !== bOther) return aOther ? 1 : -1;
      return b.count - a.count || rank(a.label) - rank(b.label) || a.label.localeCompare(b.label);
    });
}
