import fs from 'node:fs';

const HEADLINES = [
  'Bitcoin and crypto tokens swing',
  'SEC opens enforcement case over securities fraud',
  'Utility raises its dividend payout',
  'Inflation and jobs data move the economy',
  'Crude oil and gas prices climb after OPEC',
  'Startup prices its IPO ahead of debut',
  'Senate lawmakers vote on tariff legislation',
  'Buffett and Berkshire Hathaway trim a stake',
  'Stocks rally as shares of chipmakers jump',
  'Airports expect record holiday travel',
];

const SUMMARY_WORDS = [
  'analysts',
  'said',
  'the',
  'quarter',
  'investors',
  'expect',
  'markets',
  'earlier',
  'this',
  'week',
  'after',
  'report',
  'showed',
  'growth',
  'slowed',
  'while',
  'prices',
  'rose',
];

export interface GeneratedFeedOptions {
  /** Distinguishes the items of one feed from another's (guid, link and title carry it). */
  tag?: string;
  /**
   * The first item's publication time; each later item is a minute older. Unset: every item
   * is published on Tue, 24 Nov 2026 at 10:<item % 60>.
   */
  published?: Date;
  /** Words in each item's description after "Story <i>."; a real feed's run to 30–60. */
  summaryWords?: number;
}

function pubDateOf(i: number, published: Date | undefined): string {
  if (published) return new Date(published.getTime() - i * 60_000).toUTCString();
  return `Tue, 24 Nov 2026 10:${String(i % 60).padStart(2, '0')}:00 GMT`;
}

function descriptionOf(i: number, words: number): string {
  const extra = Array.from({ length: words }, (_, w) => SUMMARY_WORDS[(i + w * 7) % SUMMARY_WORDS.length]);
  return words > 0 ? `Story ${i}. ${extra.join(' ')}.` : `Story ${i}.`;
}

/** An RSS 2.0 document with `count` distinct items cycling through the ten topics. */
export function generatedFeed(
  count: number,
  { tag = 'g', published, summaryWords = 0 }: GeneratedFeedOptions = {},
): string {
  const items = Array.from({ length: count }, (_, i) => {
    return `<item><title>${HEADLINES[i % HEADLINES.length]} (${tag} ${i})</title><link>https://gen.example/${tag}/${i}</link><guid isPermaLink="false">${tag}-${i}</guid><description>${descriptionOf(i, summaryWords)}</description><pubDate>${pubDateOf(i, published)}</pubDate></item>`;
  });
  return `<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel><title>Generated</title><link>https://gen.example/</link>\n${items.join('\n')}\n</channel></rss>\n`;
}

export function writeGeneratedFeed(file: string, count: number, options?: GeneratedFeedOptions): string {
  fs.writeFileSync(file, generatedFeed(count, options));
  return file;
}
