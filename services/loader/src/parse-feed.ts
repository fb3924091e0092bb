import Parser from 'rss-parser';
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

export async function parseFeed(xml: string, feed: string): Promise<ParsedFeed> {
  assertSafeXml(xml, feed);
  if (/^\s*(<!doctype html|<html)/i.test(xml)) {
    throw new FeedError('FEED_NOT_A_FEED', feed, 'got an HTML page, not an RSS or Atom feed; check the feed URL');
  }
  return parseFeedXml(xml, feed);
}

/**
 * The XML parse alone, without the guards above. Only parseFeed calls it in production; it
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
