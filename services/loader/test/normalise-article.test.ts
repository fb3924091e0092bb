import { describe, expect, it } from 'vitest';
import {
  articleId,
  canonicalLink,
  capText,
  normaliseItems,
  publishedOrFetched,
  TITLE_MAX_CHARS,
} from '../src/normalise-article.js';
import type { FeedItem } from '../src/read-feed-item.js';

const fetchedAt = new Date('2026-11-25T06:00:00Z');

describe('capText', () => {
  it('cuts at a word boundary and marks the cut', () => {
    expect(capText('short', 10)).toBe('short');
    const capped = capText('The quick brown fox jumps over the lazy dog', 20);
    expect(capped).toBe('The quick brown fox…');
    expect(capped.length).toBeLessThanOrEqual(20);
  });
  it('cuts a single huge word hard', () => {
    expect(capText('x'.repeat(1000), 50)).toHaveLength(50);
  });
});

describe('canonicalLink', () => {
  it('removes utm_* and other tracking parameters and the fragment, keeps real ones', () => {
    expect(canonicalLink('https://a.example/s?id=7&utm_source=rss&utm_medium=feed&fbclid=x&gclid=y#top')).toBe(
      'https://a.example/s?id=7',
    );
    expect(canonicalLink('https://a.example/s?utm_campaign=z')).toBe('https://a.example/s');
  });
  it('keeps only absolute http(s) links', () => {
    expect(canonicalLink('2026/x.html')).toBe('');
    expect(canonicalLink('javascript:alert(1)')).toBe('');
    expect(canonicalLink(undefined)).toBe('');
  });
});

describe('articleId', () => {
  it('is stable, short and safe for job ids', () => {
    const a = articleId({ guid: '108401001', link: 'https://x', site: 'www.cnbc.com' });
    expect(a).toBe(articleId({ guid: ' 108401001 ', link: 'https://other', site: 'www.cnbc.com' }));
    expect(a).toMatch(/^[0-9a-f]{20}$/);
    expect(a).not.toBe(articleId({ guid: '108401001', link: 'https://x', site: 'other.example' }));
  });
  it('falls back to the canonical link without a guid', () => {
    expect(articleId({ link: 'https://x/a', site: 's' })).toBe(articleId({ guid: '', link: 'https://x/a', site: 't' }));
  });
});

describe('publishedOrFetched', () => {
  it("keeps the feed's date, or uses the fetch time, flagged, when there is none", () => {
    expect(publishedOrFetched('2026-11-24T20:41:13.000Z', fetchedAt)).toEqual({
      published: '2026-11-24T20:41:13.000Z',
      estimated: false,
    });
    expect(publishedOrFetched(undefined, fetchedAt)).toEqual({ published: fetchedAt.toISOString(), estimated: true });
  });
});

describe('normaliseItems', () => {
  const options = { feed: 'https://f.example/rss', fetchedAt, summaryMaxChars: 40 };
  const item = (fields: Partial<FeedItem>) => ({
    item: {
      title: '',
      link: '',
      id: undefined,
      published: undefined,
      updated: undefined,
      body: '',
      sponsored: false,
      ...fields,
    },
  });
  it('drops sponsored, empty, repeated and unreadable items with counts, caps summaries and titles', () => {
    const { articles, dropped } = normaliseItems(
      [
        item({ title: 'A', id: '1', link: 'https://f.example/a', body: 'x '.repeat(100) }),
        item({ title: 'A again', id: '1', link: 'https://f.example/a' }),
        item({ title: 'Ad', id: '2', sponsored: true }),
        item({ title: '' }),
        { unreadable: 'item 5: nested deeper than 64 elements' },
        item({ title: 'y'.repeat(5000), id: '3' }),
      ],
      options,
    );
    expect(dropped).toEqual({ sponsored: 1, empty: 1, duplicate: 1, unreadable: 1 });
    expect(articles.map((a) => a.title.length)).toEqual([1, TITLE_MAX_CHARS]);
    expect(articles[0]?.summary.length).toBeLessThanOrEqual(40);
    expect(articles[0]?.summary.endsWith('…')).toBe(true);
  });

  it('dates an article by when it was published, else updated, else fetched', () => {
    const { articles } = normaliseItems(
      [
        item({ title: 'p', id: 'p', published: '2026-11-20T00:00:00.000Z', updated: '2026-11-21T00:00:00.000Z' }),
        item({ title: 'u', id: 'u', updated: '2026-11-21T00:00:00.000Z' }),
        item({ title: 'n', id: 'n' }),
      ],
      options,
    );
    expect(articles.map((a) => [a.published, a.publishedEstimated])).toEqual([
      ['2026-11-20T00:00:00.000Z', false],
      ['2026-11-21T00:00:00.000Z', false],
      [fetchedAt.toISOString(), true],
    ]);
  });
});
