import { describe, expect, it } from 'vitest';
import { SearchIndex } from '../src/search/search-index.js';
import { isSearchQuery, parseSearchQuery, SEARCH_LIMITS } from '../src/search/search-query.js';

const DAY = 86_400_000;
const T0 = Date.parse('2026-11-24T12:00:00Z');

function terms(q: string) {
  const query = parseSearchQuery({ q });
  if (!isSearchQuery(query)) throw new Error(query.body.message);
  return query.terms;
}

function indexOf(...articles: [id: string, title: string, summary: string, daysAgo: number][]) {
  const index = new SearchIndex();
  for (const [id, title, summary, daysAgo] of articles)
    index.upsert({ id, title, summary, published: T0 - daysAgo * DAY });
  return index;
}

const all = { since: 0, offset: 0, limit: 50 };

describe('SearchIndex', () => {
  const index = indexOf(
    ['a', 'Bitcoin slides below $80,000', 'Crypto ETF outflows mount', 3],
    ['b', 'Bitcoin miners rally', 'Hash rate at a record', 1],
    ['c', 'S&P 500 closes higher', 'Chip stocks lead the orbit of gains', 2],
    ['d', 'Oil climbs', 'OPEC+ cuts output; bitcoin unmoved', 0],
  );

  it('finds words of titles and summaries, newest first, with the total', () => {
    expect(index.search(terms('bitcoin'), all)).toEqual({ total: 3, ids: ['d', 'b', 'a'] });
    expect(index.search(terms('outflows'), all)).toEqual({ total: 1, ids: ['a'] });
  });

  it('takes the last word as a prefix, as the reader types it', () => {
    for (const typed of ['b', 'bi', 'bit', 'bitc', 'BITCOI']) {
      expect(index.search(terms(typed), all).ids, typed).toEqual(['d', 'b', 'a']);
    }
    // "bit" starts no word of "orbit".
    expect(index.search(terms('orb'), all).ids).toEqual(['c']);
    expect(index.search(terms('rbit'), all).ids).toEqual([]);
  });

  it('ANDs words across title and summary', () => {
    expect(index.search(terms('bitcoin crypto'), all).ids).toEqual(['a']);
    expect(index.search(terms('bitcoin opec'), all).ids).toEqual(['d']);
    expect(index.search(terms('bitcoin chip'), all).ids).toEqual([]);
  });

  it('checks terms with signs against the text: "s&p" is not just any "s" and "p"', () => {
    expect(index.search(terms('s&p'), all).ids).toEqual(['c']);
    expect(index.search(terms('$80'), all).ids).toEqual(['a']);
    expect(index.search(terms('opec+'), all).ids).toEqual(['d']);
    expect(index.search(terms('a&p'), all).ids).toEqual([]);
  });

  it('pages with offset and limit, and leaves out what is older than `since`', () => {
    expect(index.search(terms('bitcoin'), { since: 0, offset: 1, limit: 1 })).toEqual({ total: 3, ids: ['b'] });
    expect(index.search(terms('bitcoin'), { ...all, since: T0 - 2 * DAY })).toEqual({ total: 2, ids: ['d', 'b'] });
  });

  it('follows changes: a new text replaces the old words, removed articles are gone', () => {
    const changing = indexOf(['x', 'Gold rallies', 'Bullion demand', 1], ['y', 'Gold slips', 'Dollar firm', 2]);
    changing.upsert({ id: 'x', title: 'Silver rallies', summary: 'Bullion demand', published: T0 });
    expect(changing.search(terms('gold'), all).ids).toEqual(['y']);
    expect(changing.search(terms('silver'), all).ids).toEqual(['x']);
    changing.remove('y');
    expect(changing.search(terms('gold'), all)).toEqual({ total: 0, ids: [] });
    expect(changing.removeOlderThan(T0 + 1)).toBe(1);
    expect(changing.size).toBe(0);
    // Enough forgotten documents make it rebuild; what is left is still found.
    for (let i = 0; i < 20; i++) changing.upsert({ id: `z${i}`, title: `Copper ${i}`, summary: '', published: T0 + i });
    for (let i = 0; i < 15; i++) changing.remove(`z${i}`);
    expect(changing.search(terms('copper'), all).ids).toEqual(['z19', 'z18', 'z17', 'z16', 'z15']);
  });
});

describe('parseSearchQuery', () => {
  const message = (input: Record<string, unknown>) => {
    const result = parseSearchQuery(input);
    return isSearchQuery(result) ? 'accepted' : `${result.status} ${result.body.message}`;
  };

  it('refuses a missing, empty, too long, sign-only or too wordy query, and bad paging, naming the field', () => {
    expect(message({})).toMatch(/^400 querystring\/q is required/);
    expect(message({ q: '   ' })).toBe('400 querystring/q must not be empty');
    expect(message({ q: 'x'.repeat(SEARCH_LIMITS.maxChars + 1) })).toBe(
      `400 querystring/q must be at most ${SEARCH_LIMITS.maxChars} characters`,
    );
    expect(message({ q: '- & $' })).toBe('400 querystring/q must contain a letter or a digit');
    expect(message({ q: 'a b c d e f g h i' })).toBe(
      `400 querystring/q must have at most ${SEARCH_LIMITS.maxTerms} words`,
    );
    expect(message({ q: 'oil', limit: 201 })).toMatch(/^400 querystring\/limit /);
    expect(message({ q: 'oil', limit: 0 })).toMatch(/^400 querystring\/limit /);
    expect(message({ q: 'oil', offset: -1 })).toMatch(/^400 querystring\/offset /);
    expect(message({ q: 'oil', limit: Number.POSITIVE_INFINITY })).toMatch(/^400 querystring\/limit /);
  });

  it('splits words, drops sign-only ones and repeats, and defaults the limit', () => {
    const query = parseSearchQuery({ q: '  Bitcoin - ETF bitcoin  ' });
    expect(isSearchQuery(query) && query.terms.map((t) => t.raw)).toEqual(['Bitcoin', 'ETF']);
    expect(isSearchQuery(query) && [query.limit, query.offset]).toEqual([SEARCH_LIMITS.defaultLimit, 0]);
  });
});
