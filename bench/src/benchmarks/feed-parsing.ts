import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { type BenchFeedFormat, benchFeed } from '../bench-feeds.js';
import type { FeedParseRun, FeedParserName } from '../feed-parse-process.js';
import { fmt, type Stat, stat } from '../measure.js';
import type { BenchReport } from '../report.js';

// The compiled file (`pnpm build`), from src/ or dist/ alike, as raw-runtime.ts runs its process.
const PARSE_PROCESS = fileURLToPath(new URL('../../dist/feed-parse-process.js', import.meta.url));
const MB = 2 ** 20;
const FORMAT_NAMES: Record<BenchFeedFormat, string> = { rss: 'RSS 2.0', atom: 'Atom 1.0' };

export interface FeedParsingOptions {
  /** Items in each feed: 10 000 in the bench, a handful in its test. */
  items?: number;
  /**
   * Processes per parser and format; the full bench passes its REPEATS. Each parses the whole
   * feed, so the default 3 keeps the benchmark alone short on a shared 2-core machine.
   */
  repeats?: number;
}

export interface ParserFigures {
  seconds: Stat;
  cpuSeconds: Stat;
  mbPerSecond: Stat;
  itemsPerSecond: Stat;
  peakRssMb: Stat;
  /** Peak RSS less the RSS before parsing: the most the parse itself held, module loading left out. */
  parseRssMb: Stat;
  /** Items read in the first run; the parsers are deterministic, so every run reads the same. */
  items: number;
  unreadable: number;
}

export interface FeedFormatFigures {
  bytes: number;
  items: number;
  rssParser: ParserFigures;
  tidings: ParserFigures;
  /** Median over repetitions of tidings' speed / rss-parser's, the two measured back to back. */
  speedRatio: number;
  /** tidings' median peak RSS / rss-parser's. */
  peakRssRatio: number;
}

export interface FeedParsingFigures {
  items: number;
  repeats: number;
  rss: FeedFormatFigures;
  atom: FeedFormatFigures;
}

function runParser(parser: FeedParserName, feed: string): FeedParseRun {
  const child = spawnSync(process.execPath, [PARSE_PROCESS, parser], { input: feed, encoding: 'utf8' });
  if (child.status !== 0) throw new Error(`feed-parse-process.ts ${parser} failed: ${child.stderr.slice(-500)}`);
  return JSON.parse(child.stdout) as FeedParseRun;
}

function figuresOf(runs: FeedParseRun[], bytes: number): ParserFigures {
  return {
    seconds: stat(runs.map((r) => r.seconds)),
    cpuSeconds: stat(runs.map((r) => r.cpuSeconds)),
    mbPerSecond: stat(runs.map((r) => bytes / MB / r.seconds)),
    itemsPerSecond: stat(runs.map((r) => r.items / r.seconds)),
    peakRssMb: stat(runs.map((r) => r.peakRssMb)),
    parseRssMb: stat(runs.map((r) => r.peakRssMb - r.rssBeforeMb)),
    items: runs[0]?.items ?? 0,
    unreadable: runs[0]?.unreadable ?? 0,
  };
}

function measureFormat(format: BenchFeedFormat, items: number, repeats: number): FeedFormatFigures {
  const feed = benchFeed(format, items);
  const bytes = Buffer.byteLength(feed);
  const runs: Record<FeedParserName, FeedParseRun[]> = { tidings: [], 'rss-parser': [] };
  for (let r = 0; r < repeats; r++) {
    // Which parser goes first alternates, so a machine getting busier or quieter weighs on both alike.
    const order: FeedParserName[] = r % 2 === 0 ? ['tidings', 'rss-parser'] : ['rss-parser', 'tidings'];
    for (const parser of order) runs[parser].push(runParser(parser, feed));
  }
  const tidings = figuresOf(runs.tidings, bytes);
  const rssParser = figuresOf(runs['rss-parser'], bytes);
  return {
    bytes,
    items,
    rssParser,
    tidings,
    speedRatio: stat(runs.tidings.map((t, r) => (runs['rss-parser'][r]?.seconds ?? Number.NaN) / t.seconds)).median,
    peakRssRatio: tidings.peakRssMb.median / rssParser.peakRssMb.median,
  };
}

/** "" when a parser read every item; otherwise how many it read, so a fast wrong parse is not read as fast. */
function shortfall(figures: ParserFigures, items: number): string {
  if (figures.items === items && figures.unreadable === 0) return '';
  return `; read ${figures.items} of ${items} items (${figures.unreadable} unreadable)`;
}

function reportFormat(report: BenchReport, format: BenchFeedFormat, figures: FeedFormatFigures): void {
  const feed = `10 ${FORMAT_NAMES[format]}, ${figures.items} items, ${(figures.bytes / MB).toFixed(1)} MB`;
  const speed = (p: ParserFigures) => `${fmt(p.mbPerSecond, 1)} MB/s, ${p.itemsPerSecond.median.toFixed(0)} items/s`;
  const memory = (p: ParserFigures) => `${p.peakRssMb.median.toFixed(0)} MB`;
  const cost = (p: ParserFigures) =>
    `CPU ${p.cpuSeconds.median.toFixed(2)} s; the parse added ${p.parseRssMb.median.toFixed(0)} MB${shortfall(p, figures.items)}`;
  const { rssParser, tidings } = figures;
  report.row(`${feed}: rss-parser parseString`, speed(rssParser), memory(rssParser), cost(rssParser));
  report.row(
    `${feed}: tidings parseFeed`,
    speed(tidings),
    memory(tidings),
    `${figures.speedRatio.toFixed(2)}× rss-parser's speed, ${figures.peakRssRatio.toFixed(2)}× its peak RSS; ${cost(tidings)}`,
  );
}

/**
 * The loader's feed parser against the one it replaced, rss-parser (xml2js on sax), on one
 * large synthetic feed per format (bench-feeds.ts): each parse in a process of its own
 * (feed-parse-process.ts), so each peak RSS is one parser's, and the two alternate.
 */
export function feedParsing(report: BenchReport, { items = 10_000, repeats = 3 }: FeedParsingOptions = {}) {
  const figures: FeedParsingFigures = {
    items,
    repeats,
    rss: measureFormat('rss', items, repeats),
    atom: measureFormat('atom', items, repeats),
  };
  reportFormat(report, 'rss', figures.rss);
  reportFormat(report, 'atom', figures.atom);
  report.results.feedParsing = figures;
  return figures;
}
