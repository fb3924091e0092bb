/**
 * One feed parser in a process of its own, so the peak RSS measured is that parser's: reads a
 * feed's text on stdin, parses it once with the parser named by the first argument, and
 * writes a FeedParseRun on stdout. Run by benchmarks/feed-parsing.ts.
 */
import fs from 'node:fs';

export type FeedParserName = 'tidings' | 'rss-parser';

export interface FeedParseRun {
  seconds: number;
  /**
   * CPU time the process spent in the parse, GC threads included: on a shared machine wall
   * time also counts the time others had the cores, this does not.
   */
  cpuSeconds: number;
  /** Items read, and items the parser gave up on (tidings only: rss-parser has no such outcome). */
  items: number;
  unreadable: number;
  /** RSS once the parser's module is loaded and the feed read, before parsing: what the parse adds is the rest. */
  rssBeforeMb: number;
  /** The kernel's high-water mark of this process's RSS (VmHWM). */
  peakRssMb: number;
}

/** Parses `text` to its end and counts what came out. */
type Parse = (text: string) => Promise<{ items: number; unreadable: number }>;

/**
 * Only the measured parser's module is loaded. @tidings/loader's index also loads BullMQ and
 * the rest of the loader, tens of MB that rss-parser's process does not hold: rssBeforeMb shows it.
 */
async function loadParser(name: FeedParserName): Promise<Parse> {
  if (name === 'tidings') {
    const { parseFeed } = await import('@tidings/loader');
    return async (text) => {
      // The loader's defaults (250 items a chunk, as PARSE_CHUNK), without the 20 s limit: a
      // guard against hostile feeds, which would turn a busy machine into a failed run.
      const parsed = parseFeed(text, 'bench', { timeLimitMs: Number.POSITIVE_INFINITY });
      let items = 0;
      let unreadable = 0;
      // The items are parsed as the chunks are taken: iterating to the end is the parse.
      for (const chunk of parsed.chunks) {
        for (const result of chunk) {
          if ('item' in result) items++;
          else unreadable++;
        }
      }
      return { items, unreadable };
    };
  }
  const { default: Parser } = await import('rss-parser');
  // The old loader's one module-level instance, with its options: made once, outside the timing.
  const parser = new Parser({
    defaultRSS: 2.0,
    customFields: { item: ['metadata:type', 'metadata:id', 'metadata:sponsored', 'dc:date'] },
  });
  return async (text) => ({ items: (await parser.parseString(text)).items.length, unreadable: 0 });
}

const rssMb = (field: 'VmRSS' | 'VmHWM') =>
  Number(new RegExp(`${field}:\\s+(\\d+)`).exec(fs.readFileSync('/proc/self/status', 'utf8'))?.[1] ?? 0) / 1024;

const name = process.argv[2];
if (name !== 'tidings' && name !== 'rss-parser') throw new Error(`feed-parse-process: no parser named ${name}`);
const parse = await loadParser(name);
const text = fs.readFileSync(0, 'utf8');
const rssBeforeMb = rssMb('VmRSS');
// One parse, no warm-up: a warm-up's garbage would count in the peak, and in a feed of
// thousands of items the JIT is warm after the first few.
const started = performance.now();
const cpuBefore = process.cpuUsage();
const counted = await parse(text);
const cpu = process.cpuUsage(cpuBefore);
const seconds = (performance.now() - started) / 1000;
const cpuSeconds = (cpu.user + cpu.system) / 1e6;
const run: FeedParseRun = { seconds, cpuSeconds, ...counted, rssBeforeMb, peakRssMb: rssMb('VmHWM') };
process.stdout.write(JSON.stringify(run));
