import type { Scenario } from './run-row.js';

/**
 * Two curves: more feeds (1 to 1 000, ten articles each) and more articles (100 to 50 000
 * from 100 feeds). The row of 100 feeds and 1 000 articles lies on both and is run once.
 */
export function scenarios({ quick }: { quick: boolean }): Scenario[] {
  const all: Scenario[] = [
    { feeds: 1, articles: 10, series: ['feeds'] },
    { feeds: 10, articles: 100, series: ['feeds'] },
    { feeds: 100, articles: 100, series: ['articles'] },
    { feeds: 100, articles: 1_000, series: ['feeds', 'articles'] },
    { feeds: 100, articles: 5_000, series: ['articles'] },
    { feeds: 1_000, articles: 10_000, series: ['feeds'] },
    { feeds: 100, articles: 50_000, series: ['articles'] },
  ];
  return quick ? all.filter((s) => s.feeds <= 100 && s.articles <= 5_000) : all;
}
