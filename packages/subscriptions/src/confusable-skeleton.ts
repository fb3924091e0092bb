import { createRequire } from 'node:module';

/**
 * What a text looks like, as Unicode Technical Standard #39 ("Unicode Security Mechanisms",
 * section 4, Confusable Detection) defines it: two texts that look alike have the same
 * skeleton ("Сrурtо" in Cyrillic and "Crypto" in Latin are both "Crypto").
 *
 * The table is confusables.txt 13.0.0 from the Unicode Consortium (every one of its 6311
 * source → prototype mappings, the whole file, not a Latin subset), as the npm package
 * `unhomoglyph` 1.0.6 (MIT; nodeca/unhomoglyph) ships it in its `data.json`. Its sources
 * are single code points; a prototype may be several ("m" → "rn").
 */
const PROTOTYPES: Readonly<Record<string, string>> = createRequire(import.meta.url)('unhomoglyph/data.json');

/** UTS #39 skeleton(X): NFD, each character replaced by its prototype, NFD again. */
export function skeleton(text: string): string {
  let mapped = '';
  for (const ch of text.normalize('NFD')) mapped += PROTOTYPES[ch] ?? ch;
  return mapped.normalize('NFD');
}

/**
 * Case aside, as close as JavaScript gets to full case folding: upper then lower case maps
 * "ß" and "ẞ" to "ss" as folding does, which toLowerCase alone does not.
 */
export function caseFold(text: string): string {
  return text.toUpperCase().toLowerCase();
}

const MARKS = /\p{M}/gu;

/**
 * The forms under which `text` looks like another text, case and diacritics aside: its
 * skeleton without combining marks (so "Crÿpto" and "Crypto" with a stray mark count as
 * "Crypto"), taken of the text case-folded and, since the table maps capitals and small
 * letters apart ("І" → "l", "і" → "i"), of its case-folded skeleton too. Two texts look
 * alike when they share a form. For comparing only: a form is not meant to be shown.
 */
export function lookalikeForms(text: string): string[] {
  const bare = (s: string) => skeleton(s).replace(MARKS, '');
  const folded = bare(caseFold(text));
  const foldedSkeleton = bare(caseFold(bare(text)));
  return folded === foldedSkeleton ? [folded] : [folded, foldedSkeleton];
}
