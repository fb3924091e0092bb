import { describe, expect, it } from 'vitest';
import {
  articleId,
  canonicalLink,
  capText,
  cleanText,
  normaliseItems,
  parsePublished,
  TITLE_MAX_CHARS,
} from '../src/normalise-article.js';

const fetchedAt = new Date('2026-11-25T06:00:00Z');

describe('cleanText', () => {
  it('strips tags, scripts and styles, decodes entities, collapses whitespace', () => {
    expect(
      cleanText('<p>Income &amp; <b>payouts</b></p>\n\n <script>alert(1)</script><style>p{}</style> rise&nbsp;4%'),
    ).toBe('Income & payouts rise 4%');
    expect(cleanText('jobs data &lt;and&gt; Fed')).toBe('jobs data <and> Fed');
    expect(cleanText('Fed&#8217;s &rsquo;x&#x2019; &mdash; y')).toBe('Fed’s ’x’ — y');
    expect(cleanText(undefined)).toBe('');
  });
});

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
  it('resolves relative links against the feed', () => {
    expect(canonicalLink('2026/x.html', 'https://r.example/news/')).toBe('https://r.example/news/2026/x.html');
    expect(canonicalLink('/m/x.html', 'https://r.example/news/')).toBe('https://r.example/m/x.html');
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

describe('parsePublished', () => {
  it('reads RFC 822 and ISO dates', () => {
    expect(parsePublished('Tue, 24 Nov 2026 20:41:13 GMT', fetchedAt)).toEqual({
      published: '2026-11-24T20:41:13.000Z',
      estimated: false,
    });
    expect(parsePublished('2026-11-24T16:30:00+01:00', fetchedAt).published).toBe('2026-11-24T15:30:00.000Z');
  });
  it('uses the fetch time, flagged, when the date is missing or invalid', () => {
    expect(parsePublished(undefined, fetchedAt)).toEqual({ published: fetchedAt.toISOString(), estimated: true });
    expect(parsePublished('Someday', fetchedAt)).toEqual({ published: fetchedAt.toISOString(), estimated: true });
  });
});

describe('normaliseItems', () => {
  const options = { feed: 'https://f.example/rss', fetchedAt, summaryMaxChars: 40 };
  it('drops sponsored, empty and repeated items with counts, caps summaries and titles', () => {
    const { articles, dropped } = normaliseItems(
      [
        { title: 'A', guid: '1', link: 'https://f.example/a', content: 'x '.repeat(100) },
        { title: 'A again', guid: '1', link: 'https://f.example/a' },
        { title: 'Ad', guid: '2', 'metadata:sponsored': 'true' },
        { title: ' ', content: '<p> </p>' },
        { title: 'y'.repeat(5000), guid: '3' },
      ],
      options,
    );
    expect(dropped).toEqual({ sponsored: 1, empty: 1, duplicate: 1 });
    expect(articles.map((a) => a.title.length)).toEqual([1, TITLE_MAX_CHARS]);
    expect(articles[0]?.summary.length).toBeLessThanOrEqual(40);
    expect(articles[0]?.summary.endsWith('…')).toBe(true);
  });
});
