import { analyse } from 'chardet';
import { decoderFor, decodeWindows1252 } from './charset-codecs.js';
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

function detectedCharset(bytes: Uint8Array): string | undefined {
  const best = analyse(bytes.subarray(0, SAMPLE_BYTES))[0];
  const name = best && resolveCharsetLabel(best.name);
  return name && (WINDOWS_SUPERSETS[name] ?? name);
}

/**
 * The encoding of a body nothing (usable) declared, as feedparser guesses it: UTF-8 if the
 * bytes are valid UTF-8, else what chardet detects if they are valid in that, else
 * windows-1252, which reads any bytes. `tried` are encodings already found wanting.
 */
export function guessCharset(bytes: Uint8Array, tried: ReadonlySet<string>): { name: string; text: string } {
  const attempt = (name: string | undefined) => {
    const text = name && !tried.has(name) ? decoderFor(name)?.(bytes) : undefined;
    return name && text !== undefined ? { name, text } : undefined;
  };
  return (
    attempt('utf-8') ?? attempt(detectedCharset(bytes)) ?? { name: 'windows-1252', text: decodeWindows1252(bytes) }
  );
}
