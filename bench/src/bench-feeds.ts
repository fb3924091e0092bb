/**
 * The feed-parsing benchmark's input: a feed of `items` items shaped like a news site's, as
 * RSS 2.0 or Atom 1.0. Every item has a title, a link, an id, a date, a summary of a few
 * hundred characters of HTML and a full body, the part that makes a real feed large; the
 * text varies from item to item and has a few non-ASCII characters (a dash, a curly quote,
 * €), as real feeds do, so the parsers get no easier input than the loader does.
 */

export type BenchFeedFormat = 'rss' | 'atom';

const SITE = 'https://news.example.com';
/** Item i is dated i × 7 minutes before this: every item has its own time, newest first. */
const NEWEST = Date.UTC(2026, 11, 4, 12, 0, 0);

const WORDS = (
  'markets rallied after the central bank held rates steady while inflation cooled for a ' +
  'third month and bond yields fell as investors priced in cuts next year earnings beat ' +
  'estimates at several lenders oil slipped on supply worries the dollar eased against ' +
  'euro-area’s currency tech shares led gains with chipmakers up sharply — analysts said ' +
  'guidance remains cautious €2.1bn deal'
).split(' ');

/** Word `n` of an endless text that differs for every seed: a multiplicative hash, repeatable and cheap. */
const word = (seed: number, n: number) =>
  WORDS[(Math.imul(seed * 100_003 + n, 2_654_435_761) >>> 16) % WORDS.length] ?? 'news';

function sentence(seed: number, from: number, words: number): string {
  const text = Array.from({ length: words }, (_, n) => word(seed, from + n)).join(' ');
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}.`;
}

interface BenchItem {
  title: string;
  link: string;
  id: string;
  date: Date;
  author: string;
  category: string;
  /** About 300 characters of HTML. */
  summaryHtml: string;
  /** About 1 500 characters of HTML: the article itself, as content:encoded or Atom content carries it. */
  bodyHtml: string;
}

function benchItem(i: number): BenchItem {
  const link = `${SITE}/markets/2026/12/${String(1 + (i % 28)).padStart(2, '0')}/story-${i}`;
  const paragraph = (p: number) =>
    `<p>${sentence(i, p * 40, 18)} ${sentence(i, p * 40 + 18, 14)} <strong>${word(i, p)}</strong> ${sentence(i, p * 40 + 32, 8)}</p>`;
  return {
    // A title with an entity now and then, as "S&P 500" headlines have.
    title: `${i % 5 === 0 ? 'S&P 500: ' : ''}${sentence(i, 0, 9)}`,
    link,
    id: `${SITE}/id/story-${i}`,
    date: new Date(NEWEST - i * 7 * 60_000),
    author: ['Jane Doe', 'Ravi Kumar', 'Ana Souza', 'Li Wei'][i % 4] ?? 'Newsroom',
    category: ['Markets', 'Economy', 'Earnings', 'Currencies'][i % 4] ?? 'Markets',
    summaryHtml: `<p>${sentence(i, 100, 24)} ${sentence(i, 124, 12)}</p><p><a href="${link}">Read more</a></p>`,
    bodyHtml: [
      `<figure><img src="${SITE}/img/story-${i}.jpg" alt="${word(i, 7)}" width="640" height="360"/></figure>`,
      ...Array.from({ length: 6 }, (_, p) => paragraph(p)),
      `<p>Related: <a href="${SITE}/markets/story-${i + 1}">${sentence(i + 1, 0, 6)}</a></p>`,
    ].join('\n'),
  };
}

const escapeXml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** RSS 2.0 with the summary in CDATA and the body in content:encoded, as most news sites send it. */
function rssItem(item: BenchItem): string {
  return `<item>
<title>${escapeXml(item.title)}</title>
<link>${item.link}</link>
<guid isPermaLink="false">${item.id}</guid>
<pubDate>${item.date.toUTCString()}</pubDate>
<dc:creator>${item.author}</dc:creator>
<category>${item.category}</category>
<description><![CDATA[${item.summaryHtml}]]></description>
<content:encoded><![CDATA[${item.bodyHtml}]]></content:encoded>
</item>
`;
}

/** Atom 1.0 with the summary as escaped HTML and the body in CDATA: both ways Atom feeds carry HTML. */
function atomEntry(item: BenchItem): string {
  return `<entry>
<title type="text">${escapeXml(item.title)}</title>
<link rel="alternate" type="text/html" href="${item.link}"/>
<id>${item.id}</id>
<published>${item.date.toISOString()}</published>
<updated>${item.date.toISOString()}</updated>
<author><name>${item.author}</name></author>
<category term="${item.category}"/>
<summary type="html">${escapeXml(item.summaryHtml)}</summary>
<content type="html"><![CDATA[${item.bodyHtml}]]></content>
</entry>
`;
}

function rssFeed(items: string[]): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:atom="http://www.w3.org/2005/Atom">
<channel>
<title>Example News: Markets</title>
<link>${SITE}/markets</link>
<description>Markets news from Example News</description>
<language>en-us</language>
<lastBuildDate>${new Date(NEWEST).toUTCString()}</lastBuildDate>
<atom:link href="${SITE}/markets/rss.xml" rel="self" type="application/rss+xml"/>
${items.join('')}</channel>
</rss>
`;
}

function atomFeed(items: string[]): string {
  return `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en">
<title>Example News: Markets</title>
<link rel="alternate" type="text/html" href="${SITE}/markets"/>
<link rel="self" type="application/atom+xml" href="${SITE}/markets/atom.xml"/>
<id>${SITE}/markets/atom.xml</id>
<updated>${new Date(NEWEST).toISOString()}</updated>
${items.join('')}</feed>
`;
}

/** The whole feed as one string, as the loader has it once a response is decoded. */
export function benchFeed(format: BenchFeedFormat, items: number): string {
  const all = Array.from({ length: items }, (_, i) => benchItem(i));
  return format === 'rss' ? rssFeed(all.map(rssItem)) : atomFeed(all.map(atomEntry));
}
