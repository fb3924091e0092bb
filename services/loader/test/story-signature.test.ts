import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { writeGeneratedFeed } from '@tidings/feed-fixtures';
import { type Article, loadConfig } from '@tidings/shared';
import { FIXTURES, SHARED_FIXTURE_STORIES } from '@tidings/testing';
import { describe, expect, it } from 'vitest';
import { readFeed } from '../src/read-feed.js';
import {
  bandKeys,
  contentWords,
  decodeSignature,
  encodeSignature,
  jaccard,
  minHash,
  shingles,
  similarity,
  storySignature,
} from '../src/story-signature.js';

const config = loadConfig({});
const threshold = config.stories.similarity;

async function read(file: string): Promise<Article[]> {
  const result = await readFeed(file, config.feeds);
  expect(result.error).toBeUndefined();
  return result.articles;
}
const fixture = (name: string) => read(path.join(FIXTURES, 'feeds', name));

const signatureOf = (a: Article) => minHash(shingles(a.title, a.summary))!;

/** Every pair of articles the default threshold calls one story, as title starts. */
function mergedPairs(articles: Article[]): string[] {
  const signatures = articles.map(signatureOf);
  const pairs: string[] = [];
  for (let i = 0; i < articles.length; i++)
    for (let j = i + 1; j < articles.length; j++)
      if (similarity(signatures[i]!, signatures[j]!) >= threshold)
        pairs.push(`${articles[i]!.title} | ${articles[j]!.title}`);
  return pairs;
}

describe('story signatures', () => {
  it('reduces a text to its content words: numbers written alike, possessives and filler dropped', () => {
    expect(contentWords('Bitcoin slides below $80,000 as the crypto ETFs’ outflows mount')).toEqual([
      'bitcoi',
      'slides',
      '80000',
      'crypto',
      'etfs',
      'outflo',
      'mount',
    ]);
    expect(contentWords('Warren Buffett’s Berkshire')).toEqual(contentWords("warren buffett's BERKSHIRE"));
    expect(contentWords('Core PCE rose 2.4%')).toContain('2.4');
    expect(storySignature({ title: '', summary: ' — ' })).toBeUndefined();
  });

  it('estimates the Jaccard similarity of the fixtures’ shingle sets within 0.1', async () => {
    const articles = [...(await fixture('cnbc-finance.xml')), ...(await fixture('marketwire.xml'))];
    const sets = articles.map((a) => shingles(a.title, a.summary));
    const signatures = articles.map(signatureOf);
    for (let i = 0; i < articles.length; i++)
      for (let j = i + 1; j < articles.length; j++)
        expect(Math.abs(similarity(signatures[i]!, signatures[j]!) - jaccard(sets[i]!, sets[j]!))).toBeLessThan(0.1);
  });

  it('merges exactly the stories the two fixture feeds share, and no two unrelated stories', async () => {
    const cnbc = await fixture('cnbc-finance.xml');
    const marketwire = await fixture('marketwire.xml');
    const merged = mergedPairs([...cnbc, ...marketwire]);
    expect(merged).toHaveLength(SHARED_FIXTURE_STORIES.length);
    for (const [a, b] of SHARED_FIXTURE_STORIES)
      expect(merged.filter((p) => p.startsWith(a) && p.includes(` | ${b}`))).toHaveLength(1);
    // The near misses: same topic, different news.
    expect(merged.join('\n')).not.toMatch(
      /Senate Republicans.*Regulators propose|Stocks making.*Stocks close|Retail sales/,
    );
  });

  it('makes every shared story an LSH candidate: the two copies share a band key', async () => {
    const articles = [...(await fixture('cnbc-finance.xml')), ...(await fixture('marketwire.xml'))];
    for (const [a, b] of SHARED_FIXTURE_STORIES) {
      const [first, second] = [a, b].map((start) => storySignature(articles.find((x) => x.title.startsWith(start))!)!);
      const shared = first!.bands.filter((band) => second!.bands.includes(band));
      expect(shared.length, `${a} / ${b}`).toBeGreaterThan(0);
    }
  });

  it('keeps the generated feed’s items apart: items with the same headline are different stories', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tidings-stories-'));
    const articles = await read(writeGeneratedFeed(path.join(dir, 'generated.xml'), 600));
    expect(articles).toHaveLength(600);
    expect(mergedPairs(articles)).toEqual([]);
  });

  it('encodes a signature as 4 bytes a hash and back, and refuses bands that do not divide it', () => {
    const signature = minHash(new Set(['oil', 'opec', 'brent']))!;
    const encoded = encodeSignature(signature);
    expect(encoded).toHaveLength(512);
    expect(decodeSignature(encoded)).toEqual(signature);
    expect(bandKeys(signature, 2)).toHaveLength(64);
    expect(() => bandKeys(signature, 3)).toThrow(RangeError);
  });
});
