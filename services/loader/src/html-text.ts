import { decodeHTML } from 'entities';
import { decodeWindows1252 } from './charset-codecs.js';

/**
 * Elements that sit inside a line of text: removing their tags must not split a word
 * ("don<i>'</i>t"), while every other tag (a paragraph, a line break, a cell) separates words.
 */
const INLINE_ELEMENTS = new Set([
  'a',
  'abbr',
  'b',
  'bdi',
  'bdo',
  'big',
  'cite',
  'code',
  'del',
  'dfn',
  'em',
  'font',
  'i',
  'ins',
  'kbd',
  'mark',
  'q',
  's',
  'samp',
  'small',
  'span',
  'strike',
  'strong',
  'sub',
  'sup',
  'time',
  'tt',
  'u',
  'var',
]);

/** A tag, with quoted attribute values read whole: `<a title="1 > 0">` ends at its own `>`. */
const TAG = /<(\/?)([a-zA-Z][a-zA-Z0-9:-]*)(?:[^>"']|"[^"]*"|'[^']*')*>/g;

/** Text of an HTML fragment: tags removed, entities decoded, whitespace collapsed. */
export function htmlToText(html: string | undefined): string {
  if (!html) return '';
  // Most titles and many bodies hold neither markup nor entities.
  if (!/[<&]/.test(html)) return collapseSpace(html);
  const withoutMarkup = html
    .replace(/<(script|style)\b[\s\S]*?<\/\1\s*>/gi, ' ')
    .replace(/<!--[\s\S]*?-->/g, ' ')
    .replace(TAG, (_tag, _slash: string, name: string) => (INLINE_ELEMENTS.has(name.toLowerCase()) ? '' : ' '))
    // A tag whose quotes never close (`<a href=x">`) still ends at its first `>`.
    .replace(/<\/?[a-zA-Z][^>]*>/g, ' ');
  return collapseSpace(decodeHTML(withoutMarkup));
}

/** A run of whitespace, or one that is not a plain space: matching every single space too is 3× slower. */
const WHITESPACE_TO_COLLAPSE = /\s{2,}|[^\S ]/g;
const C1_CONTROL = /[\u0080-\u009f]/;
const C1_CONTROLS = /[\u0080-\u009f]/g;

/** UTF-8 read as Latin-1 and written again (`â€¦` for `…`): bytes that are valid UTF-8 only as a whole. */
function repairDoubleEncoding(text: string): string {
  if (!/[\u00c2-\u00f4][\u0080-\u00bf]/.test(text) || /[^\u0000-\u00ff]/.test(text)) return text;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(Buffer.from(text, 'latin1'));
  } catch {
    return text;
  }
}

/**
 * Text as a reader sees it in a line: runs of whitespace as one space, none at either end,
 * UTF-8 that was encoded twice decoded once more, and C1 controls (which no feed means) read
 * as the windows-1252 punctuation their publisher typed, as the Universal Feed Parser does.
 */
export function collapseSpace(text: string): string {
  const repaired = repairDoubleEncoding(text);
  const printable = C1_CONTROL.test(repaired)
    ? repaired.replace(C1_CONTROLS, (c) => decodeWindows1252(Uint8Array.of(c.charCodeAt(0))))
    : repaired;
  return printable.replace(WHITESPACE_TO_COLLAPSE, ' ').trim();
}
