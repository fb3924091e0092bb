import { describe, expect, it } from 'vitest';
import { wellFormedJson, xmlText } from '../src/output-text.js';

describe('xmlText', () => {
  it('keeps exactly the characters of XML 1.0, pairs of surrogates whole, and escapes markup', () => {
    const every = 'a\t\n\r b\u0000\u0001\u001F\u007F\uD7FF\uE000\uFFFD\uFFFE\uFFFF\uD83D\uDE00';
    expect(xmlText(every)).toBe('a\t\n\r b\u007F\uD7FF\uE000\uFFFD\uD83D\uDE00');
    expect(xmlText(`<a href="x" title='y'>&amp;</a>`)).toBe(
      '&lt;a href=&quot;x&quot; title=&apos;y&apos;&gt;&amp;amp;&lt;/a&gt;',
    );
  });

  it('marks half of a surrogate pair with U+FFFD, at either end of the text', () => {
    expect(xmlText('\uDC00a\uD800')).toBe('\uFFFDa\uFFFD');
    expect(xmlText('\uD800\uD800\uDC00')).toBe('\uFFFD\uD800\uDC00');
  });
});

describe('wellFormedJson', () => {
  it('makes every string and key well-formed, through arrays, nested objects and toJSON', () => {
    const value = { '\uD800key': ['\uDC00', { at: new Date(0), n: 1, ok: true, none: null }], pair: '\uD83D\uDE00' };
    expect(JSON.stringify(wellFormedJson(value))).toBe(
      '{"\uFFFDkey":["\uFFFD",{"at":"1970-01-01T00:00:00.000Z","n":1,"ok":true,"none":null}],"pair":"\uD83D\uDE00"}',
    );
  });
});
