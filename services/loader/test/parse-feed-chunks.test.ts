/**
 * A large feed is parsed, normalised and enqueued a chunk at a time (parseFeedInChunks,
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
import { itemSpans, parseFeed, parseFeedInChunks, type RawFeedItem } from '../src/parse-feed.js';
import { PARSE_CHUNK, readFeed } from '../src/read-feed.js';

const now = new Date('2026-11-25T06:00:00Z');
const fixture = (name: string) => fs.readFileSync(path.join(FIXTURES, 'feeds', name), 'utf8');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tidings-chunks-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

async function allItems(items: AsyncIterable<RawFeedItem[]>): Promise<RawFeedItem[][]> {
  const chunks: RawFeedItem[][] = [];
  for await (const chunk of items) chunks.push(chunk);
  return chunks;
}

describe('parseFeedInChunks', () => {
  it.each([
    'cnbc-finance.xml',
    'marketwire.xml',
    'atom.xml',
    'rss1-rdf.xml',
    'relative-links.xml',
    'missing-dates.xml',
    'missing-guids.xml',
  ])('%s in chunks of one item is exactly the whole parse', async (name) => {
    const xml = fixture(name);
    const whole = await parseFeed(xml, name);
    expect(whole.items.length).toBeGreaterThan(1);
    const streamed = await parseFeedInChunks(xml, name, 1);
    const chunks = await allItems(streamed.items);
    expect(chunks.length).toBe(whole.items.length);
    expect(chunks.flat()).toEqual(whole.items);
    expect({ title: streamed.title, link: streamed.link }).toEqual({ title: whole.title, link: whole.link });
  });

  it('finds only the items rss-parser reads: not an <item> nested in another element', () => {
    const xml =
      '<rss><channel><title>T</title><item><title>a</title><x><item>inner</item></x></item><image><item>no</item></image><item><title><![CDATA[b </item> c]]></title></item></channel></rss>';
    const spans = itemSpans(xml)!;
    expect(spans.map(([start, end]) => xml.slice(start, end))).toEqual([
      '<item><title>a</title><x><item>inner</item></x></item>',
      '<item><title><![CDATA[b </item> c]]></title></item>',
    ]);
  });

  it('reports a malformed feed as the whole parse does, and refuses entities first', async () => {
    const chunked = await parseFeedInChunks(fixture('truncated.xml'), 'truncated', 2)
      .then((s) => allItems(s.items))
      .catch((e: unknown) => e);
    expect(chunked).toBeInstanceOf(FeedError);
    expect(chunked).toMatchObject({ code: 'FEED_MALFORMED' });
    expect((chunked as FeedError).message).toMatch(/^truncated: the XML is malformed/);
    await expect(parseFeedInChunks(fixture('entity-bomb.xml'), 'bomb', 2)).rejects.toMatchObject({
      code: 'FEED_UNSAFE_XML',
    });
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
