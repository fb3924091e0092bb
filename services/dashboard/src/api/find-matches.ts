/**
 * How search compares text: case- and accent-insensitive, by words. A word is a run of
 * letters and digits; a query term matches where a word starts (so "bit" finds "Bitcoin"
 * but not "orbit"), or anywhere when the term itself starts with a sign ("$80").
 *
 * Offsets are in characters (Unicode code points) of the original text, end exclusive, so
 * a client slices the text it was given without knowing how it was folded.
 */

/** [start, end) in code points of the original text. */
export type MatchRange = [number, number];

const WORD = /[\p{L}\p{N}]+/gu;
const ASCII_WORD = /[a-z0-9]+/g;
const WORD_CHAR = /^[\p{L}\p{N}]$/u;
const MARKS = /\p{M}/gu;
const ASCII = /^[\x00-\x7f]*$/;

const foldedCodePoints = new Map<string, string>();

/** One code point as search sees it: accents dropped, lower case, final sigma as sigma. */
function foldCodePoint(cp: string): string {
  let folded = foldedCodePoints.get(cp);
  if (folded === undefined) {
    folded = cp.normalize('NFD').replace(MARKS, '').toLowerCase().replace(/ς/g, 'σ');
    foldedCodePoints.set(cp, folded);
  }
  return folded;
}

export interface FoldedText {
  text: string;
  /** For each UTF-16 unit of `text`, the code point of the original it came from; null when they are the same. */
  origin: Int32Array | null;
}

/** The text as search compares it, and where each of its units came from. */
export function foldText(text: string): FoldedText {
  if (ASCII.test(text)) return { text: text.toLowerCase(), origin: null };
  const parts: string[] = [];
  const origin: number[] = [];
  let index = 0;
  for (const cp of text) {
    const folded = foldCodePoint(cp);
    parts.push(folded);
    for (let i = 0; i < folded.length; i++) origin.push(index);
    index++;
  }
  return { text: parts.join(''), origin: Int32Array.from(origin) };
}

/** The words of already folded text, in order. */
export function foldedWords(folded: string): string[] {
  // The same words either way; the plain pattern is several times faster on ASCII text.
  return folded.match(ASCII.test(folded) ? ASCII_WORD : WORD) ?? [];
}

function isWordChar(cp: string | undefined): boolean {
  return cp !== undefined && WORD_CHAR.test(cp);
}

/** The code point of `text` that ends just before UTF-16 index i. */
function codePointBefore(text: string, i: number): string | undefined {
  if (i <= 0) return undefined;
  const unit = text.charCodeAt(i - 1);
  const isLowSurrogate = unit >= 0xdc00 && unit <= 0xdfff;
  const start = isLowSurrogate && i >= 2 ? i - 2 : i - 1;
  return String.fromCodePoint(text.codePointAt(start) ?? unit);
}

function toOriginal(folded: FoldedText, i: number): number {
  return folded.origin ? (folded.origin[i] ?? 0) : i;
}

/** Sorted, with overlapping or touching ranges joined, so each character is marked at most once. */
export function mergeRanges(ranges: MatchRange[]): MatchRange[] {
  const sorted = [...ranges].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const merged: MatchRange[] = [];
  for (const [start, end] of sorted) {
    const last = merged.at(-1);
    if (last && start <= last[1]) last[1] = Math.max(last[1], end);
    else merged.push([start, end]);
  }
  return merged;
}

/** Where any of the terms occurs in the text (see the rules above). */
export function findMatches(text: string, terms: readonly string[]): MatchRange[] {
  const folded = foldText(text);
  const ranges: MatchRange[] = [];
  for (const term of terms) {
    const needle = foldText(term).text;
    if (needle === '') continue;
    const anywhere = !isWordChar(String.fromCodePoint(needle.codePointAt(0) ?? 0));
    for (let i = folded.text.indexOf(needle); i !== -1; i = folded.text.indexOf(needle, i + 1)) {
      if (anywhere || !isWordChar(codePointBefore(folded.text, i))) {
        ranges.push([toOriginal(folded, i), toOriginal(folded, i + needle.length - 1) + 1]);
      }
    }
  }
  return mergeRanges(ranges);
}
