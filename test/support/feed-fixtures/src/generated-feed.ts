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

const SYLLABLES = [...'bcdfghjklmnprstvwxyz'].flatMap((c) => [...'aeiou'].map((v) => c + v));
const WORDS_PER_SUMMARY = 32;

/**
 * Made-up words, unique within a feed (w ↦ 7919 w + offset is a bijection mod 10⁶) and
 * differing in their first six letters: each item is its own story, never a near-duplicate of
 * another item with the same headline.
 */
function uniqueWords(tag: string, i: number): string {
  const offset = [...tag].reduce((h, c) => (h * 31 + c.charCodeAt(0)) % 1_000_000, 0);
  return Array.from({ length: WORDS_PER_SUMMARY }, (_, k) => {
    const n = ((i * WORDS_PER_SUMMARY + k) * 7919 + offset) % 1_000_000;
    return `${SYLLABLES[Math.floor(n / 10_000)]}${SYLLABLES[Math.floor(n / 100) % 100]}${SYLLABLES[n % 100]}`;
  }).join(' ');
}

export interface GeneratedFeedOptions {
  /** Distinguishes the items of one feed from another's (titles, links, guids). */
  tag?: string;
  /** Item i's publication time; by default 24 Nov 2026 at 10:00 plus i minutes (mod 60) GMT. */
  published?: (i: number) => Date;
}

/** An RSS 2.0 document with `count` distinct stories cycling through the ten topics. */
export function generatedFeed(count: number, { tag = 'g', published }: GeneratedFeedOptions = {}): string {
  const items = Array.from({ length: count }, (_, i) => {
    const minute = String(i % 60).padStart(2, '0');
    const pubDate = published ? published(i).toUTCString() : `Tue, 24 Nov 2026 10:${minute}:00 GMT`;
    return `<item><title>${HEADLINES[i % HEADLINES.length]} (${tag} ${i})</title><link>https://gen.example/${tag}/${i}</link><guid isPermaLink="false">${tag}-${i}</guid><description>Story ${i}: ${uniqueWords(tag, i)}.</description><pubDate>${pubDate}</pubDate></item>`;
  });
  return `<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel><title>Generated</title><link>https://gen.example/</link>\n${items.join('\n')}\n</channel></rss>\n`;
}

export function writeGeneratedFeed(file: string, count: number, options?: GeneratedFeedOptions): string {
  fs.writeFileSync(file, generatedFeed(count, options));
  return file;
}
