import { analyse } from 'chardet';
import { decodeMostlyUtf8, decoderFor, decodeWindows1252 } from './charset-codecs.js';
import { resolveCharsetLabel } from './charset-label.js';

/** chardet reads every byte it is given; a few items of a feed say as much as the whole of it. */
const SAMPLE_BYTES = 64 * 1024;

/**
 * chardet names ISO-8859-8 for Hebrew when its sample has no byte in 0x80-0x9F; Hebrew text is
 * windows-1255 nearly always (nikud and the shekel sign exist only there), which reads
 * ISO-8859-8's letters the same. WHATWG maps ISO-8859-1 and -9 to their Windows supersets the
 * same way.
 */
const WINDOWS_SUPERSETS: Record<string, string> = { 'iso-8859-8': 'windows-1255' };

/** Encodings of Latin-script languages, which chardet names first for many single-byte bodies. */
const LATIN_SCRIPT = new Set([
  'windows-1250',
  'windows-1252',
  'windows-1254',
  'windows-1257',
  'windows-1258',
  'iso-8859-2',
  'iso-8859-3',
  'iso-8859-4',
  'iso-8859-10',
  'iso-8859-13',
  'iso-8859-14',
  'iso-8859-15',
  'iso-8859-16',
  'macintosh',
]);

/**
 * Latin-script text puts ASCII letters between its accented ones; eight bytes above 0x7F in a
 * row are another script (Thai in TIS-620, Arabic, Greek), whatever chardet ranks first.
 */
const NON_LATIN_RUN = /[\x80-\xff]{8}/;

/** Each decode reads the whole body; past the first few, chardet's candidates are noise. */
const CANDIDATES_TRIED = 4;

/** chardet's candidates, best first; with a long non-Latin run, every Latin-script one last. */
function detectedCharsets(bytes: Uint8Array): string[] {
  const sample = bytes.subarray(0, SAMPLE_BYTES);
  const ranked = analyse(sample)
    .map((candidate) => resolveCharsetLabel(candidate.name))
    .filter((name): name is string => name !== undefined)
    .map((name) => WINDOWS_SUPERSETS[name] ?? name);
  if (!NON_LATIN_RUN.test(Buffer.from(sample).toString('latin1'))) return ranked.slice(0, CANDIDATES_TRIED);
  const nonLatin = ranked.filter((name) => !LATIN_SCRIPT.has(name));
  return [...nonLatin, ...ranked.filter((name) => LATIN_SCRIPT.has(name))].slice(0, CANDIDATES_TRIED);
}

/**
 * The encoding of a body nothing (usable) declared, as feedparser guesses it: UTF-8 if the
 * bytes are valid UTF-8 (or UTF-8 with a few stray bytes), else the first of chardet's
 * candidates they are valid in, else windows-1252, which reads any bytes. `tried` are encodings already found wanting.
 */
export function guessCharset(bytes: Uint8Array, tried: ReadonlySet<string>): { name: string; text: string } {
  const attempt = (name: string | undefined) => {
    const text = name && !tried.has(name) ? decoderFor(name)?.(bytes) : undefined;
    return name && text !== undefined ? { name, text } : undefined;
  };
  const mostlyUtf8 = tried.has('utf-8') ? undefined : decodeMostlyUtf8(bytes);
  return (
    attempt('utf-8') ??
    (mostlyUtf8 && { name: 'utf-8', text: mostlyUtf8.text }) ??
    detectedCharsets(bytes).reduce<ReturnType<typeof attempt>>((found, name) => found ?? attempt(name), undefined) ?? {
      name: 'windows-1252',
      text: decodeWindows1252(bytes),
    }
  );
}
