import type { TopicArticle, TopicGroup } from '@tidings/contracts';

const byNewest = (a: TopicArticle, b: TopicArticle) =>
  b.published.localeCompare(a.published) || a.id.localeCompare(b.id);

/**
 * Articles grouped by label, newest first within a group. Groups come largest first; ties
 * keep the configured label order; "Other" (the catch-all) always comes last.
 */
export function groupByTopic(articles: TopicArticle[], labelOrder: string[] = []): TopicGroup[] {
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
    .map(([label, list]) => ({ label, count: list.length, articles: list.sort(byNewest) }))
    .sort((a, b) => {
      const aOther = a.label.toLowerCase() === 'other';
      const bOther = b.label.toLowerCase() === 'other';
      if (aOther !== bOther) return aOther ? 1 : -1;
      return b.count - a.count || rank(a.label) - rank(b.label) || a.label.localeCompare(b.label);
    });
}
