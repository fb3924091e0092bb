/**
 * A large feed is parsed, normalised and enqueued a chunk at a time (parseFeed's chunks,
 * readFeed's onArticles): the chunks must add up to exactly what one whole-document parse
 * gives, for every feed format, and a failure must stay the feed's own.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { generatedFeed } from '@tidings/feed-fixtures';
import { FIXTURES } from '@tidings/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { FeedError } from '../src/errors/feed-error.js';
import { type ItemResult, parseFeed } from '../src/parse-feed.js';
import { PARSE_CHUNK, readFeed } from '../src/read-feed.js';

const now = new Date('2026-11-25T06:00:00Z');
const fixture = (name: string) => fs.readFileSync(path.join(FIXTURES, 'feeds', name), 'utf8');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tidings-chunks-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const chunksOf = (xml: string, name: string, itemsPerChunk: number): ItemResult[][] => [
  ...parseFeed(xml, name, { itemsPerChunk }).chunks,
];

describe('parseFeed in chunks', () => {
  it.each([
    'cnbc-finance.xml',
    'marketwire.xml',
    'atom.xml',
    'rss1-rdf.xml',
    'relative-links.xml',
    'missing-dates.xml',
    'missing-guids.xml',
  ])('%s in chunks of one item is exactly the whole parse', (name) => {
    const xml = fixture(name);
    const whole = chunksOf(xml, name, 10_000);
    const single = chunksOf(xml, name, 1);
    expect(whole).toHaveLength(1);
    expect(single.length).toBe(whole[0]!.length);
    expect(single.flat()).toEqual(whole[0]);
    // The feed's own title and link are complete once every chunk has been read.
    const headOf = (itemsPerChunk: number) => {
      const parsed = parseFeed(xml, name, { itemsPerChunk });
      for (const _chunk of parsed.chunks);
      return { title: parsed.title, link: parsed.link };
    };
    expect(headOf(1)).toEqual(headOf(10_000));
  });

  it('reads only items where the format puts them: not an <item> nested in another element', () => {
    const xml =
      '<rss><channel><title>T</title><item><title>a</title><x><item>inner</item></x></item><image><item>no</item></image><item><title><![CDATA[b </item> c]]></title></item></channel></rss>';
    const items = chunksOf(xml, 'nested', 10).flat();
    expect(items.map((r) => ('item' in r ? r.item.title : r.unreadable))).toEqual(['a', 'b c']);
  });

  it('reports a feed cut off before any item as malformed, and refuses entities first', () => {
    const chunked = (() => {
      try {
        return chunksOf(fixture('truncated.xml'), 'truncated', 2);
      } catch (err) {
        return err;
      }
    })();
    expect(chunked).toBeInstanceOf(FeedError);
    expect(chunked).toMatchObject({ code: 'FEED_MALFORMED' });
    expect((chunked as FeedError).message).toMatch(/^truncated: the XML is malformed \(line \d+: /);
    expect(() => chunksOf(fixture('entity-bomb.xml'), 'bomb', 2)).toThrow(
      expect.objectContaining({ code: 'FEED_UNSAFE_XML' }),
    );
  });
});

describe('parseFeed, bounded and stateless', () => {
  it.each([
    ['a comment alone', '<!-- nothing else -->'],
    ['an XML declaration alone', '<?xml version="1.0" encoding="utf-8"?>'],
    ['whitespace', '  \n '],
  ])('answers a document with no element (%s) at once, with FEED_MALFORMED', (_name, text) => {
    expect(() => parseFeed(text, 'empty.xml')).toThrow(
      expect.objectContaining({ code: 'FEED_MALFORMED', message: expect.stringContaining('it holds no element') }),
    );
  });

  it('reads the same bytes the same way whatever was parsed before them', () => {
    const documents = [
      '<rss><channel><item><title>a & b</title></item></channel></rss>',
      '<!-- only a comment -->',
      '<rss><channel><title>cut',
      '<rss><channel><item><title>x</title></item></channel></rss><<<',
    ];
    const outcome = (text: string) => {
      try {
        return JSON.stringify([...parseFeed(text, 'f').chunks]);
      } catch (err) {
        return (err as Error).message;
      }
    };
    const alone = documents.map(outcome);
    const after = documents.map((_, i) => {
      for (const other of documents) outcome(other);
      return outcome(documents[i]!);
    });
    expect(after).toEqual(alone);
    expect(alone[0]).toContain('a & b');
  });

  it('stops a parse past its time limit with FEED_PARSE_TIMEOUT', () => {
    const big = generatedFeed(5_000, { tag: 'slow' });
    expect(() => [...parseFeed(big, 'slow.xml', { timeLimitMs: 1 }).chunks]).toThrow(
      expect.objectContaining({ code: 'FEED_PARSE_TIMEOUT', message: expect.stringContaining('longer than 1 ms') }),
    );
  });
});

describe('readFeed with onArticles', () => {
  const count = 2 * PARSE_CHUNK + 17;
  const xml = generatedFeed(count, { tag: 'big' });
  // The first item once more at the end: a repeat in another chunk than its first copy.
  const repeated = xml.replace('</channel>', `${/<item>.*?<\/item>/.exec(xml)![0]}\n</channel>`);
  const file = path.join(dir, 'big.xml');
  fs.writeFileSync(file, repeated);

  it('hands the articles on a chunk at a time, keeps none itself, and counts a repeat across chunks', async () => {
    const chunks: number[] = [];
    const ids = new Set<string>();
    const result = await readFeed(file, { summaryMaxChars: 1000, now }, async (articles) => {
      chunks.push(articles.length);
      for (const a of articles) ids.add(a.id);
    });
    expect(chunks).toEqual([PARSE_CHUNK, PARSE_CHUNK, 17]);
    expect(ids.size).toBe(count);
    expect(result.articles).toEqual([]);
    expect(result.report).toMatchObject({
      status: 'ok',
      fetched: count + 1,
      kept: count,
      dropped: { sponsored: 0, empty: 0, duplicate: 1 },
    });
    const whole = await readFeed(file, { summaryMaxChars: 1000, now });
    expect(whole.articles.map((a) => a.id)).toEqual([...ids]);
    expect(whole.report).toEqual(result.report);
  });

  it('throws what onArticles throws instead of reporting the feed as failed', async () => {
    const down = new Error('redis went away');
    await expect(
      readFeed(file, { summaryMaxChars: 1000, now }, async () => {
        throw down;
      }),
    ).rejects.toBe(down);
  });
});
