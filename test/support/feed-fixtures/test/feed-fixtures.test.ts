import Parser from 'rss-parser';
import { afterEach, describe, expect, it } from 'vitest';
import { generatedFeed, startFeedServer } from '../src/index.js';

const parser = new Parser();

describe('generatedFeed', () => {
  it('keeps its fixed date and short stories unless asked otherwise', async () => {
    const feed = await parser.parseString(generatedFeed(3));
    expect(feed.items.map((i) => i.pubDate)).toEqual([
      'Tue, 24 Nov 2026 10:00:00 GMT',
      'Tue, 24 Nov 2026 10:01:00 GMT',
      'Tue, 24 Nov 2026 10:02:00 GMT',
    ]);
    expect(feed.items[1]?.content).toMatch(/^Story 1: /);
  });

  it('dates items as asked, with descriptions of a real feed’s length, each its own story', async () => {
    const start = Date.parse('2026-11-26T09:30:00Z');
    const feed = await parser.parseString(
      generatedFeed(2, { tag: 'x', published: (i) => new Date(start - i * 60_000) }),
    );
    expect(feed.items.map((i) => i.isoDate)).toEqual(['2026-11-26T09:30:00.000Z', '2026-11-26T09:29:00.000Z']);
    expect(feed.items[0]?.content?.split(/\s+/)).toHaveLength(34);
    expect(feed.items[0]?.guid).toBe('x-0');
    const words = (i: number) => new Set(feed.items[i]?.content?.split(/\s+/).slice(2));
    expect([...words(0)].filter((w) => words(1).has(w))).toEqual([]);
  });
});

describe('startFeedServer', () => {
  const closers: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const close of closers.splice(0)) await close();
  });

  it('serves from another loopback address when told, a host of its own', async () => {
    const a = await startFeedServer({ '/f.xml': (_req, res) => res.end('from a') }, { host: '127.0.0.3' });
    const b = await startFeedServer({ '/f.xml': (_req, res) => res.end('from b') });
    closers.push(a.close, b.close);
    expect(a.url('/f.xml')).toMatch(/^http:\/\/127\.0\.0\.3:\d+\/f\.xml$/);
    expect(b.url('/f.xml')).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/f\.xml$/);
    expect(await (await fetch(a.url('/f.xml'))).text()).toBe('from a');
    expect(await (await fetch(b.url('/f.xml'))).text()).toBe('from b');
    expect(a.hits('/f.xml')).toBe(1);
  });
});
