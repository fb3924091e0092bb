import Parser from 'rss-parser';
import sax from 'sax';
import { FeedError } from './errors/feed-error.js';

/** The fields of a feed item tidings reads, as rss-parser gives them. */
export interface RawFeedItem {
  title?: string;
  link?: string;
  guid?: string;
  id?: string;
  content?: string;
  summary?: string;
  pubDate?: string;
  isoDate?: string;
  'dc:date'?: string;
  'metadata:sponsored'?: string;
  'metadata:type'?: string;
  'metadata:id'?: string;
}

export interface ParsedFeed {
  title: string | undefined;
  link: string | undefined;
  items: RawFeedItem[];
}

const parser = new Parser<Record<string, unknown>, RawFeedItem>({
  // Many feeds omit <rss version="…">; without a default rss-parser refuses them.
  defaultRSS: 2.0,
  customFields: { item: ['metadata:type', 'metadata:id', 'metadata:sponsored', 'dc:date'] },
});

/**
 * Entity declarations are how XML bombs (billion laughs) and external-entity reads (XXE) work.
 * sax, under rss-parser, expands neither, but a feed that needs them is not one we can read
 * correctly either, so it is refused with a reason instead of half-parsed.
 */
export function assertSafeXml(xml: string, feed: string): void {
  if (/<!ENTITY/i.test(xml)) {
    throw new FeedError(
      'FEED_UNSAFE_XML',
      feed,
      'the document declares XML entities (<!ENTITY>); tidings refuses them to prevent entity-expansion and external-entity attacks',
    );
  }
}

/** rss-parser throws on an Atom date it cannot read; blank such dates so the item falls back to its fetch time. */
export function blankInvalidAtomDates(xml: string): string {
  return xml.replace(/<(published|updated)>([^<]*)<\/\1>/g, (whole, tag: string, value: string) =>
    Number.isNaN(Date.parse(value.trim())) ? `<${tag}></${tag}>` : whole,
  );
}

function assertFeedNotPage(xml: string, feed: string): void {
  assertSafeXml(xml, feed);
  if (/^\s*(<!doctype html|<html)/i.test(xml)) {
    throw new FeedError('FEED_NOT_A_FEED', feed, 'got an HTML page, not an RSS or Atom feed; check the feed URL');
  }
}

export async function parseFeed(xml: string, feed: string): Promise<ParsedFeed> {
  assertFeedNotPage(xml, feed);
  return parseFeedXml(xml, feed);
}

/** A feed's items a chunk at a time: `items` yields each chunk once, in document order. */
export interface StreamedFeed {
  title: string | undefined;
  link: string | undefined;
  items: AsyncIterable<RawFeedItem[]>;
}

/** Where items sit: RSS 2.0's <channel>, RSS 1.0's <rdf:RDF>, Atom's <feed>; where rss-parser looks for them. */
const ITEM_PARENTS: Record<string, string> = { channel: 'item', 'rdf:RDF': 'item', feed: 'entry' };

/**
 * The [start, end) offsets of every item element, by one pass of sax (the tokenizer under
 * rss-parser) that builds nothing; undefined when sax finds the document malformed, which
 * the whole-document parse then reports in its own words.
 */
export function itemSpans(xml: string): [number, number][] | undefined {
  const spans: [number, number][] = [];
  const stack: string[] = [];
  let open: { depth: number; start: number } | undefined;
  const parser = sax.parser(true, {});
  parser.onerror = (err) => {
    throw err;
  };
  parser.onopentag = (tag) => {
    if (!open && ITEM_PARENTS[stack.at(-1) ?? ''] === tag.name) {
      open = { depth: stack.length, start: parser.startTagPosition - 1 };
    }
    stack.push(tag.name);
  };
  parser.onclosetag = () => {
    stack.pop();
    if (open && stack.length === open.depth) {
      spans.push([open.start, parser.position]);
      open = undefined;
    }
  };
  try {
    parser.write(xml).close();
  } catch {
    return undefined;
  }
  // sax lets a document end with elements still open; the whole parse names that.
  return stack.length === 0 ? spans : undefined;
}

/**
 * A feed parsed `itemsPerChunk` items at a time, so a large feed never has every item's parse
 * tree in memory at once: each chunk is the document around its own items (everything before
 * the first item and after the last, the channel's or feed's own elements), parsed by
 * rss-parser exactly as the whole would be. A feed of one chunk or less, or one sax finds
 * malformed, is parsed whole, as parseFeed does.
 */
export async function parseFeedInChunks(xml: string, feed: string, itemsPerChunk: number): Promise<StreamedFeed> {
  assertFeedNotPage(xml, feed);
  const dated = blankInvalidAtomDates(xml);
  const spans = itemSpans(dated);
  if (!spans || spans.length <= itemsPerChunk) {
    const whole = await parseFeedXml(dated, feed);
    return {
      title: whole.title,
      link: whole.link,
      items: (async function* () {
        yield whole.items;
      })(),
    };
  }
  const head = dated.slice(0, spans[0]![0]);
  const tail = dated.slice(spans.at(-1)![1]);
  const envelope = await parseFeedXml(head + tail, feed);
  async function* chunks(): AsyncGenerator<RawFeedItem[]> {
    for (let i = 0; i < spans!.length; i += itemsPerChunk) {
      const last = spans![Math.min(i + itemsPerChunk, spans!.length) - 1]!;
      yield (await parseFeedXml(head + dated.slice(spans![i]![0], last[1]) + tail, feed)).items;
    }
  }
  return { title: envelope.title, link: envelope.link, items: chunks() };
}

/**
 * The XML parse alone, without the guards above. Only parseFeed and parseFeedInChunks call it; it
 * is exported so a test can show the parser itself never reads an external entity or DTD.
 */
export async function parseFeedXml(xml: string, feed: string): Promise<ParsedFeed> {
  let parsed: Awaited<ReturnType<typeof parser.parseString>>;
  try {
    parsed = await parser.parseString(blankInvalidAtomDates(xml));
  } catch (err) {
    const message = (err as Error).message.replace(/\s+/g, ' ').trim();
    if (/not recognized as RSS|Feed not recognized/i.test(message)) {
      throw new FeedError('FEED_NOT_A_FEED', feed, 'the document is XML but not RSS 0.9-2.0, RSS 1.0/RDF or Atom', {
        cause: err,
      });
    }
    // The parser's message ends in "Line: … Column: … Char: x", and some name a tag: bytes of
    // the document. Only its leading words say what is wrong without echoing any of them.
    const reason = /^[A-Za-z][A-Za-z ,.'-]*/.exec(message.split(/:|\bLine\b/)[0] ?? '')?.[0].trim();
    throw new FeedError('FEED_MALFORMED', feed, `the XML is malformed${reason ? ` (${reason})` : ''}`, { cause: err });
  }
  return { title: parsed.title, link: parsed.link, items: parsed.items ?? [] };
}
