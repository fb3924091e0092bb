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

  it('reads unclosed outlines and runaway attribute names in time linear in their number', () => {
    const unclosed = (n: number) =>
      `<opml><body><outline xmlUrl="https://a.example/rss"/>${'<outline xmlUrl="https://b.example/rss" '.repeat(n)}`;
    const runaway = (n: number) => `<opml><body><outline ${'a'.repeat(n * 40)} xmlUrl="https://c.example/rss">`;
    // The fastest of a few runs, so a pause of this shared machine does not count.
    const fastest = (text: string) =>
      Math.min(
        ...Array.from({ length: 5 }, () => {
          const start = performance.now();
          parseOpml(text);
          return performance.now() - start;
        }),
      );
    for (const make of [unclosed, runaway]) {
      const [small, large] = [make(4_000), make(40_000)];
      // Quadratic work makes the tenfold input a hundredfold slower; linear, about tenfold.
      expect(fastest(large)).toBeLessThan(20 * fastest(small));
    }
    expect(parseOpml(unclosed(40_000))).toEqual([{ url: 'https://a.example/rss' }]);
    expect(parseOpml(runaway(40_000))).toEqual([{ url: 'https://c.example/rss' }]);
  });

  it('writes well-formed XML whatever a title holds: no C0 control, U+FFFF or lone surrogate', () => {
    const text = formatOpml([{ url: 'https://a.example/rss', title: 'A\u0001\u0008\uFFFF\uD800B\uD83D\uDE00' }]);
    expect(text).toContain('title="A\uFFFDB\uD83D\uDE00"');
  });

  it('refuses a document that is not OPML', () => {
    expect(() => parseOpml('<rss version="2.0"></rss>')).toThrow('not an OPML document (no <opml> element)');
  });
});
