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

  it('reads what is closed of a document with unclosed outlines and quotes, and skips the rest', () => {
    const text = [
      '<opml version="2.0"><body>',
      '<outline xmlUrl="https://a.example/rss" text="A"/>',
      `<outline xmlUrl='https://d.example/rss' title="runs into the next tag>`,
      '<outline 9x="1" -y="2" xmlUrl="https://e.example/rss" text="E" />',
      '<outline xmlUrl="https://never.example/rss" text="no closing bracket"',
    ].join('\n');
    expect(parseOpml(text)).toEqual([
      { url: 'https://a.example/rss', title: 'A' },
      { url: 'https://d.example/rss' },
      { url: 'https://e.example/rss', title: 'E' },
    ]);
  });

  // No timing is measured: a quadratic parse of these inputs would run for hours (it needed
  // 54 s for a tenth of the first), far past the suite's test timeout; a linear one takes
  // milliseconds. So the test fails by timing out exactly when the parse is not linear.
  it('reads 400 000 unclosed outlines and a 16-million-character attribute name, so in linear time', () => {
    const unclosed = `<opml><body><outline xmlUrl="https://a.example/rss"/>${'<outline xmlUrl="https://b.example/rss" '.repeat(400_000)}`;
    const runaway = `<opml><body><outline ${'a'.repeat(16_000_000)} xmlUrl="https://c.example/rss">`;
    expect(parseOpml(unclosed)).toEqual([{ url: 'https://a.example/rss' }]);
    expect(parseOpml(runaway)).toEqual([{ url: 'https://c.example/rss' }]);
  });

  it('writes well-formed XML whatever a title holds: no C0 control, U+FFFF or lone surrogate', () => {
    const text = formatOpml([{ url: 'https://a.example/rss', title: 'A\u0001\u0008\uFFFF\uD800B\uD83D\uDE00' }]);
    expect(text).toContain('title="A\uFFFDB\uD83D\uDE00"');
  });

  it('refuses a document that is not OPML', () => {
    expect(() => parseOpml('<rss version="2.0"></rss>')).toThrow('not an OPML document (no <opml> element)');
  });
});
