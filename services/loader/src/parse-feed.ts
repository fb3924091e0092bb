import { FeedError } from './errors/feed-error.js';
import type { FeedFormat } from './feed-formats.js';
import { FeedXmlReader } from './feed-xml-reader.js';
import { type FeedItem, readFeedHead, readFeedItem } from './read-feed-item.js';
import { readJsonFeed } from './read-json-feed.js';

/** An item read, or the reason it could not be: one bad item never costs the feed its others. */
export type ItemResult = { item: FeedItem } | { unreadable: string };

export interface ParsedFeed {
  readonly format: FeedFormat;
  /** Read from what has been parsed so far: complete once `chunks` has been read to its end. */
  readonly title: string | undefined;
  readonly link: string | undefined;
  /** Well-formedness errors read past, each with its line: the feed was read as far as it could be. */
  readonly warnings: readonly string[];
  /** The items, `itemsPerChunk` at a time, each chunk parsed as it is taken. */
  readonly chunks: Iterable<ItemResult[]>;
}

export interface ParseFeedOptions {
  itemsPerChunk?: number;
  /** Time spent parsing, not waiting for the reader of `chunks`; past it, FEED_PARSE_TIMEOUT. */
  timeLimitMs?: number;
  /** The URL the document came from, for relative links when nothing nearer gives a base. */
  documentUrl?: string;
}

/** A slice of text per sax write: small enough that the time limit is checked often. */
const SLICE_CHARS = 64 * 1024;
const DEFAULTS = { itemsPerChunk: 250, timeLimitMs: 20_000 };
type SettledOptions = typeof DEFAULTS & ParseFeedOptions;

/**
 * Entity declarations are how XML bombs (billion laughs) and external-entity reads (XXE) work.
 * sax expands neither, but a feed that needs them is not one we can read correctly either, so
 * it is refused with a reason instead of half-parsed.
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

function readItemSafely(read: () => FeedItem, position: number): ItemResult {
  try {
    return { item: read() };
  } catch (err) {
    return { unreadable: `item ${position}: ${err instanceof Error ? err.message : String(err)}` };
  }
}

function httpBase(link: string | undefined): string | undefined {
  return link && /^https?:\/\//i.test(link) ? link : undefined;
}

function parseJsonFeed(text: string, feed: string, options: SettledOptions): ParsedFeed {
  const json = readJsonFeed(text, feed, httpBase(options.documentUrl));
  return {
    format: 'json',
    title: json.title,
    link: json.link,
    warnings: [],
    chunks: (function* () {
      for (let start = 0; start < json.items.length; start += options.itemsPerChunk) {
        yield json.items
          .slice(start, start + options.itemsPerChunk)
          .map((raw, i) => readItemSafely(() => json.readItem(raw), start + i + 1));
      }
    })(),
  };
}

function parseXmlFeed(text: string, feed: string, options: SettledOptions): ParsedFeed {
  const documentUrl = httpBase(options.documentUrl);
  const reader = new FeedXmlReader(documentUrl);
  let offset = 0;
  let ended = false;
  let spentMs = 0;
  const writeSlice = () => {
    const started = performance.now();
    if (offset < text.length) reader.write(text.slice(offset, offset + SLICE_CHARS));
    else {
      reader.end();
      ended = true;
    }
    offset += SLICE_CHARS;
    spentMs += performance.now() - started;
    if (spentMs > options.timeLimitMs) {
      throw new FeedError(
        'FEED_PARSE_TIMEOUT',
        feed,
        `parsing took longer than ${options.timeLimitMs} ms; the document is too large or too deeply nested to read`,
      );
    }
  };
  while (!reader.root && !ended) writeSlice();
  if (!reader.root) {
    const reason = reader.errors[0] ? ` (${reader.errors[0]})` : '';
    throw new FeedError('FEED_MALFORMED', feed, `the XML is malformed: it holds no element${reason}`);
  }
  const format = reader.format;
  if (!format) {
    throw new FeedError(
      'FEED_NOT_A_FEED',
      feed,
      'the document is XML but not RSS 0.9-2.0, RSS 1.0/RDF or Atom 0.3/1.0 (nor a JSON Feed)',
    );
  }
  const head = () => readFeedHead(reader.feedElements, format.format);
  let position = 0;
  const take = (): ItemResult[] => {
    const fallbackBase = httpBase(head().link) ?? documentUrl;
    return reader.takeItems().map((captured) => {
      position++;
      if (captured.unreadable) return { unreadable: `item ${position}: ${captured.unreadable}` };
      return readItemSafely(() => readFeedItem(captured.node, { format: format.format, fallbackBase }), position);
    });
  };
  function* chunks(): Generator<ItemResult[]> {
    let pending: ItemResult[] = [];
    for (;;) {
      pending.push(...take());
      while (pending.length >= options.itemsPerChunk) {
        yield pending.slice(0, options.itemsPerChunk);
        pending = pending.slice(options.itemsPerChunk);
      }
      if (ended) break;
      writeSlice();
    }
    if (position === 0 && reader.errors.length > 0) {
      throw new FeedError(
        'FEED_MALFORMED',
        feed,
        `the XML is malformed (${reader.errors[0]}) and no item could be read`,
      );
    }
    if (pending.length > 0) yield pending;
  }
  return {
    format: format.format,
    get title() {
      return head().title;
    },
    get link() {
      return head().link;
    },
    get warnings() {
      return reader.errors;
    },
    chunks: chunks(),
  };
}

/**
 * One feed's text to its items: a pure function of the text (each call has its own parser),
 * bounded in time, lenient where feed readers are (a stray `&` or an unclosed tag is read
 * past and reported as a warning) and strict where safety is at stake (entity declarations).
 */
export function parseFeed(text: string, feed: string, options: ParseFeedOptions = {}): ParsedFeed {
  const settled = { ...DEFAULTS, ...options };
  assertSafeXml(text, feed);
  const start = text.trimStart();
  if (/^(<!doctype html|<html)/i.test(start)) {
    throw new FeedError('FEED_NOT_A_FEED', feed, 'got an HTML page, not an RSS, Atom or JSON feed; check the feed URL');
  }
  if (start.startsWith('{')) return parseJsonFeed(text, feed, settled);
  return parseXmlFeed(text, feed, settled);
}
