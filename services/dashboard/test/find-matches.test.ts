import { describe, expect, it } from 'vitest';
import { findMatches, mergeRanges } from '../src/api/find-matches.js';

/** The marked pieces of the text, cut by code points as a client would. */
function marked(text: string, terms: string[]): string[] {
  const chars = Array.from(text);
  return findMatches(text, terms).map(([s, e]) => chars.slice(s, e).join(''));
}

describe('findMatches', () => {
  it('ignores case in the text and in the term', () => {
    expect(findMatches('Bitcoin slides as BITCOIN ETFs bleed', ['bitcoin'])).toEqual([
      [0, 7],
      [18, 25],
    ]);
    expect(marked('Bitcoin slides', ['BITC'])).toEqual(['Bitc']);
  });

  it('matches where a word starts, not inside one', () => {
    expect(marked('Orbit of bitcoin', ['bit'])).toEqual(['bit']);
    expect(findMatches('Orbit of bitcoin', ['bit'])).toEqual([[9, 12]]);
    expect(findMatches('habitat', ['bit'])).toEqual([]);
    // A term that starts with a sign may match anywhere.
    expect(marked('Bitcoin below $80,000 again', ['$80'])).toEqual(['$80']);
    expect(marked('S&P 500 and s&p futures', ['s&p'])).toEqual(['S&P', 's&p']);
  });

  it('joins overlapping and touching matches of several terms into one range', () => {
    expect(findMatches('Bitcoin slides', ['bit', 'bitcoin'])).toEqual([[0, 7]]);
    expect(findMatches('crypto-currency', ['crypto', '-currency'])).toEqual([[0, 15]]);
    expect(findMatches('aaa bbb', ['bbb', 'aaa'])).toEqual([
      [0, 3],
      [4, 7],
    ]);
    expect(
      mergeRanges([
        [5, 8],
        [0, 2],
        [1, 3],
        [8, 9],
      ]),
    ).toEqual([
      [0, 3],
      [5, 9],
    ]);
  });

  it('counts offsets in characters, past emoji and accents, and ignores accents', () => {
    const text = '📈 Société Générale beats; Nestlé too';
    expect(marked(text, ['societe'])).toEqual(['Société']);
    expect(findMatches(text, ['societe'])).toEqual([[2, 9]]);
    expect(marked(text, ['générale', 'NESTLE'])).toEqual(['Générale', 'Nestlé']);
    // Decomposed accents (e + combining acute) fold the same way as composed ones.
    const decomposed = 'Cafe\u0301 chain';
    expect(findMatches(decomposed, ['café'])).toEqual([[0, 4]]);
    expect(marked('İstanbul and ΟΔΟΣ', ['istanbul', 'οδος'])).toEqual(['İstanbul', 'ΟΔΟΣ']);
    expect(marked('日本銀行 raises rates', ['日本'])).toEqual(['日本']);
  });

  it('finds nothing for absent terms, empty terms and empty text', () => {
    expect(findMatches('Bitcoin', ['ether'])).toEqual([]);
    expect(findMatches('Bitcoin', [''])).toEqual([]);
    expect(findMatches('', ['bitcoin'])).toEqual([]);
  });

  it('treats markup in the text as text: offsets point into it as given', () => {
    const text = '<script>alert(1)</script> <b>Bitcoin</b> slides';
    expect(marked(text, ['script'])).toEqual(['script', 'script']);
    expect(marked(text, ['bitcoin'])).toEqual(['Bitcoin']);
    expect(findMatches(text, ['bitcoin'])).toEqual([[29, 36]]);
  });
});
