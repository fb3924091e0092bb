import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatOpml, parseOpml } from '../src/opml.js';

const EXPORT = fs.readFileSync(path.join(import.meta.dirname, '../../../fixtures/opml/reader-export.opml'), 'utf8');

describe('OPML', () => {
  it('reads every http(s) feed of a reader export, in folders, once each, with entities decoded', () => {
    expect(parseOpml(EXPORT)).toEqual([
      { url: 'https://www.cnbc.com/id/19746125/device/rss/rss.xml', title: 'CNBC Finance' },
      { url: 'https://markets.example.org/feed?format=rss&lang=en', title: 'Markets & Money' },
    ]);
  });

  it('writes OPML that reads back the same', () => {
    const feeds = [{ url: 'https://a.example/feed?x=1&y=2', title: 'A & "B"' }, { url: 'https://c.example/rss' }];
    expect(parseOpml(formatOpml(feeds))).toEqual([
      feeds[0],
      { url: 'https://c.example/rss', title: 'https://c.example/rss' },
    ]);
  });

  it('refuses a document that is not OPML', () => {
    expect(() => parseOpml('<rss version="2.0"></rss>')).toThrow('not an OPML document (no <opml> element)');
  });
});
