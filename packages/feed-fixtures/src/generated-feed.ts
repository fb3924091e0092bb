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

export interface GeneratedFeedOptions {
  /** Distinguishes the items of one feed from another's (titles, links, guids). */
  tag?: string;
  /** Item i's publication time; by default 24 Nov 2026 at 10:00 plus i minutes (mod 60) GMT. */
  published?: (i: number) => Date;
}

/** An RSS 2.0 document with `count` distinct items cycling through the ten topics. */
export function generatedFeed(count: number, { tag = 'g', published }: GeneratedFeedOptions = {}): string {
  const items = Array.from({ length: count }, (_, i) => {
    const minute = String(i % 60).padStart(2, '0');
    const pubDate = published ? published(i).toUTCString() : `Tue, 24 Nov 2026 10:${minute}:00 GMT`;
    return `<item><title>${HEADLINES[i % HEADLINES.length]} (${tag} ${i})</title><link>https://gen.example/${tag}/${i}</link><guid isPermaLink="false">${tag}-${i}</guid><description>Story ${i}.</description><pubDate>${pubDate}</pubDate></item>`;
  });
  return `<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel><title>Generated</title><link>https://gen.example/</link>\n${items.join('\n')}\n</channel></rss>\n`;
}

export function writeGeneratedFeed(file: string, count: number, options?: GeneratedFeedOptions): string {
  fs.writeFileSync(file, generatedFeed(count, options));
  return file;
}
