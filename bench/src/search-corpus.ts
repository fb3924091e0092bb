import type { Run, TopicArticle } from '@tidings/shared';
import { buildRun, buildTopicArticle } from '@tidings/testing';

/**
 * Finance-news-shaped articles for the search bench: headlines and two- or three-sentence
 * summaries built from topic phrases, real company names (some with accents), numbers as
 * news prints them ("$80,000", "3.2%"), common words, and a long tail of rarer names drawn
 * with a Zipf law, so the vocabulary grows with the corpus as a real one does.
 */

const COMPANIES = [
  'Nvidia',
  'Apple',
  'Microsoft',
  'Amazon',
  'Alphabet',
  'Meta',
  'Tesla',
  'Berkshire Hathaway',
  'JPMorgan',
  'Goldman Sachs',
  'Morgan Stanley',
  'Walmart',
  'Target',
  'Exxon Mobil',
  'Chevron',
  'BP',
  'Shell',
  'Coinbase',
  'MicroStrategy',
  'Robinhood',
  'Palo Alto Networks',
  'Broadcom',
  'AMD',
  'Intel',
  'Boeing',
  'Delta Air Lines',
  'United Airlines',
  'Pfizer',
  'Moderna',
  'Société Générale',
  'Nestlé',
  "L'Oréal",
  'Siemens',
  'Toyota',
  'Sony',
  'Alibaba',
  'Tencent',
  'Samsung',
  'TSMC',
  'ASML',
  'Visa',
  'Mastercard',
  'PayPal',
  'Block',
  'Netflix',
  'Disney',
  'Comcast',
  'Verizon',
  'AT&T',
  'Procter & Gamble',
  'Coca-Cola',
  'PepsiCo',
  'McDonald’s',
  'Starbucks',
  'Nike',
  'Caterpillar',
  'Deere',
  'Ford',
  'General Motors',
  'Rivian',
];
const TICKERS = ['NVDA', 'AAPL', 'MSFT', 'AMZN', 'GOOGL', 'META', 'TSLA', 'BRK.B', 'JPM', 'GS', 'XOM', 'CVX', 'COIN'];

const TOPICS: Record<string, { titles: string[]; phrases: string[] }> = {
  Crypto: {
    titles: [
      'Bitcoin slides below {price}',
      '{company} adds bitcoin to its balance sheet',
      'Ether jumps {pct} as crypto ETFs draw inflows',
      'Crypto tokens swing after {person} comments',
    ],
    phrases: [
      'bitcoin fell {pct} to {price}',
      'crypto ETF outflows mounted for a third week',
      'stablecoin supply rose',
      'the token rallied on exchange listings',
      'blockchain activity slowed',
    ],
  },
  SEC: {
    titles: [
      'SEC charges {company} executives with fraud',
      'SEC opens probe into {company} disclosures',
      'Regulators fine {company} {money}',
    ],
    phrases: [
      'the Securities and Exchange Commission said',
      'the enforcement case alleges securities fraud',
      'a settlement of {money} was reached',
      'filings showed insider trading',
    ],
  },
  Dividend: {
    titles: [
      '{company} raises its dividend {pct}',
      '{company} declares a special dividend',
      'Dividend stocks to buy as yields climb',
    ],
    phrases: [
      'the quarterly payout rises to {cents} a share',
      'the dividend yield now stands at {pct}',
      'buybacks of {money} were approved',
      'income investors favour utilities',
    ],
  },
  Economics: {
    titles: [
      'Inflation cools to {pct} in {month}',
      'Fed holds rates as jobs data surprise',
      'GDP grows {pct} in the third quarter',
      'Treasury yields edge higher',
    ],
    phrases: [
      'the Federal Reserve kept rates unchanged',
      'payrolls rose by {count} jobs',
      'consumer prices rose {pct} from a year earlier',
      'economists expect a rate cut in {month}',
      'the 10-year Treasury yield hit {pct}',
    ],
  },
  'Oil or Gas': {
    titles: [
      'Oil climbs {pct} after OPEC+ cuts output',
      'Natural gas prices hit a {count}-week high',
      '{company} lifts its crude production target',
    ],
    phrases: [
      'Brent crude settled at {price} a barrel',
      'OPEC+ agreed to extend cuts',
      'gasoline inventories fell',
      'LNG exports reached a record',
    ],
  },
  IPO: {
    titles: [
      '{company} prices its IPO at {price}',
      'Startup files for a Nasdaq debut',
      'IPO market revives as {company} soars {pct}',
    ],
    phrases: [
      'shares opened {pct} above the offer price',
      'the listing valued the company at {money}',
      'underwriters led by {company} priced the deal',
      'the S-1 filing showed revenue of {money}',
    ],
  },
  Politics: {
    titles: [
      'Senate passes tariff bill',
      '{person} vows to cut taxes',
      'Lawmakers clash over the debt ceiling',
      'White House weighs new chip export rules',
    ],
    phrases: [
      'the House voted {count} to {count}',
      'tariffs on imports would rise to {pct}',
      'the administration said on {day}',
      'lobbyists for {company} pushed back',
    ],
  },
  Buffet: {
    titles: [
      'Buffett’s Berkshire trims its {company} stake',
      'Berkshire Hathaway cash pile hits {money}',
      'Warren Buffett letter praises {company}',
    ],
    phrases: [
      'Berkshire sold {count} shares',
      'Warren Buffett said at the annual meeting',
      'the Oracle of Omaha added to its position',
      'Greg Abel will succeed Buffett',
    ],
  },
  Stock: {
    titles: [
      'Stocks making the biggest moves: {company}, {company} and more',
      'S&P 500 closes {pct} higher',
      'Dow drops {count} points as {company} slides',
      'Cramer says {company} still has room to run',
    ],
    phrases: [
      'shares of {company} ({ticker}) rose {pct}',
      'the Nasdaq Composite gained {pct}',
      'chip stocks led the rally',
      'analysts at {company} raised their price target to {price}',
    ],
  },
  Other: {
    titles: [
      'Airports expect record holiday travel',
      '{company} recalls {count} vehicles',
      'Black Friday sales beat forecasts',
      '{person} to step down as {company} chief',
    ],
    phrases: [
      'travel demand stayed strong',
      'retailers reported heavy discounts',
      'the company said in a statement',
      'the recall covers models from {year}',
    ],
  },
};

const COMMON = (
  'the a of to in and for on with as at by from after amid over into while about than its their this that new said says ' +
  'year week month day quarter market markets investors analysts traders company companies shares stock price prices ' +
  'growth sales revenue profit earnings outlook forecast expected higher lower rose fell jumped slipped gained lost ' +
  'record strong weak demand supply deal plan report data chief executive officer board billion million percent ' +
  'rates rate cut hike global china europe us u.s. washington wall street banks bank lenders consumers buyers sellers'
).split(' ');
const PEOPLE = [
  'Jerome Powell',
  'Janet Yellen',
  'Elon Musk',
  'Jamie Dimon',
  'Tim Cook',
  'Jensen Huang',
  'Christine Lagarde',
];
const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];
const DAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday'];
const SYLLABLES = [
  'ka',
  'lo',
  'ven',
  'dra',
  'mi',
  'tor',
  'sel',
  'ba',
  'rin',
  'qu',
  'est',
  'nor',
  'vi',
  'sha',
  'pel',
  'gor',
  'ux',
  'tan',
  'mar',
  'zel',
];

/** A small seeded PRNG (mulberry32): the same corpus on every run. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class Corpus {
  private readonly next: () => number;
  private readonly tail: string[];

  constructor(seed = 42, tailSize = 40_000) {
    this.next = random(seed);
    this.tail = Array.from({ length: tailSize }, (_, i) => {
      const r = random(i + 1);
      const n = 2 + Math.floor(r() * 3);
      const word = Array.from({ length: n }, () => SYLLABLES[Math.floor(r() * SYLLABLES.length)]).join('');
      return word.charAt(0).toUpperCase() + word.slice(1);
    });
  }

  private pick<T>(list: readonly T[]): T {
    return list[Math.floor(this.next() * list.length)] as T;
  }

  /** Zipf-distributed rank in [0, n): a few names are everywhere, most are rare. */
  private zipf(n: number): number {
    return Math.min(n - 1, Math.floor(Math.exp(this.next() * Math.log(n + 1)) - 1));
  }

  private fill(template: string): string {
    return template.replace(/\{(\w+)\}/g, (_, slot: string) => {
      switch (slot) {
        case 'company':
          return this.pick(COMPANIES);
        case 'ticker':
          return this.pick(TICKERS);
        case 'person':
          return this.pick(PEOPLE);
        case 'pct':
          return `${(this.next() * 12).toFixed(1)}%`;
        case 'price':
          return `$${Math.round(this.next() * 100_000).toLocaleString('en-US')}`;
        case 'money':
          return `$${(1 + this.next() * 99).toFixed(1)} billion`;
        case 'cents':
          return `${Math.round(this.next() * 150)} cents`;
        case 'count':
          return String(Math.round(this.next() * 900) + 10);
        case 'month':
          return this.pick(MONTHS);
        case 'day':
          return this.pick(DAYS);
        case 'year':
          return String(2015 + Math.floor(this.next() * 12));
        default:
          return slot;
      }
    });
  }

  private sentence(label: string): string {
    const topic = TOPICS[label] ?? TOPICS.Other!;
    const filler = Array.from({ length: 6 + Math.floor(this.next() * 10) }, () =>
      this.next() < 0.25 ? (this.tail[this.zipf(this.tail.length)] ?? '') : this.pick(COMMON),
    ).join(' ');
    const s = `${this.fill(this.pick(topic.phrases))} ${filler}`;
    return `${s.charAt(0).toUpperCase()}${s.slice(1)}.`;
  }

  article(id: string, runId: string, published: number, labels: string[]): TopicArticle {
    const label = this.pick(labels);
    const topic = TOPICS[label] ?? TOPICS.Other!;
    const summary = Array.from({ length: 2 + Math.floor(this.next() * 2) }, () => this.sentence(label)).join(' ');
    return buildTopicArticle({
      id,
      feed: `https://feeds.example/${this.pick(['markets', 'economy', 'tech', 'energy', 'world'])}.xml`,
      title: this.fill(this.pick(topic.titles)),
      summary,
      link: `https://news.example/${id}`,
      published: new Date(published).toISOString(),
      fetchedAt: new Date(published + 60_000).toISOString(),
      label,
      score: 0.3 + this.next() * 0.7,
      // The corpus keeps the shape its results were measured on: articles without every label's score.
      scores: undefined,
      runId,
    });
  }

  /** One day's run: `count` articles published in the 23 hours before `dayEnd`. */
  run(runId: string, dayEnd: number, count: number, labels: string[]): Run {
    const articles = Array.from({ length: count }, (_, i) =>
      this.article(`${runId}-${i}`, runId, dayEnd - Math.floor(this.next() * 82_800_000), labels),
    );
    const topics = labels
      .map((label) => {
        const group = articles.filter((a) => a.label === label);
        return { label, count: group.length, articles: group };
      })
      .filter((g) => g.count > 0);
    return buildRun({ id: runId, trigger: 'schedule', startedAt: new Date(dayEnd).toISOString(), articles, topics });
  }
}
