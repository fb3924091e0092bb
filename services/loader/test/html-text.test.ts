import { describe, expect, it } from 'vitest';
import { collapseSpace, htmlToText } from '../src/html-text.js';

describe('htmlToText', () => {
  it('strips tags, scripts and styles, decodes entities, collapses whitespace', () => {
    expect(
      htmlToText('<p>Income &amp; <b>payouts</b></p>\n\n <script>alert(1)</script><style>p{}</style> rise&nbsp;4%'),
    ).toBe('Income & payouts rise 4%');
    expect(htmlToText('jobs data &lt;and&gt; Fed')).toBe('jobs data <and> Fed');
    expect(htmlToText('Fed&#8217;s &rsquo;x&#x2019; &mdash; y')).toBe('Fed’s ’x’ — y');
    expect(htmlToText(undefined)).toBe('');
  });

  it('reads a quoted attribute whole, so a > inside it does not end the tag', () => {
    expect(htmlToText('<a title="1 > 0" href="x">Rates</a> rise')).toBe('Rates rise');
    expect(htmlToText(`<img alt='a > b'>Oil`)).toBe('Oil');
  });

  it('ends a tag whose quote never closes at its first >', () => {
    expect(htmlToText('<a href=http://example.com/">example</a>')).toBe('example');
  });

  it('joins inline elements into their words and separates blocks', () => {
    expect(htmlToText("don<i>'</i>t")).toBe("don't");
    expect(htmlToText('<p>one</p><p>two</p>line<br>break')).toBe('one two line break');
  });
});

describe('collapseSpace', () => {
  it('reads C1 controls as the windows-1252 punctuation they stand for', () => {
    expect(collapseSpace('don\u0092t \u0093quoted\u0094')).toBe('don’t “quoted”');
  });

  it('decodes UTF-8 that was encoded twice, and leaves real Latin-1 text alone', () => {
    expect(collapseSpace('\u00e2\u0080\u00a6')).toBe('…');
    expect(collapseSpace('Caf\u00c3\u00a9 \u00c3\u00a0 la carte')).toBe('Café à la carte');
    expect(collapseSpace('Börse Zürich')).toBe('Börse Zürich');
  });
});
