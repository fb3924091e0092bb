import { type ByteForm, byteFormOf, decodeMostlyUtf8, decoderFor } from './charset-codecs.js';
import { guessCharset } from './charset-guess.js';
import { resolveCharsetLabel } from './charset-label.js';
import { formEncoding, readBom, sniffByteForm, xmlDeclaredEncoding } from './charset-sniff.js';
import { charsetParameter } from './content-type-charset.js';

export interface DecodedFeed {
  /** Without the BOM. */
  text: string;
  /**
   * The encoding read, by its canonical lowercase name (WHATWG's, or the codec's for the ones
   * outside it); `guessed` when no BOM, HTTP charset or XML declaration named it; `note` when
   * what the feed declared was set aside, and why.
   */
  charset: { name: string; guessed: boolean; note?: string };
}

/** One place an encoding is named, in the order they are believed. */
interface Claim {
  source: string;
  label: string;
  guessed: boolean;
}

const FORM_NAMES: Record<ByteForm, string> = {
  ascii: 'an ASCII-compatible encoding',
  ebcdic: 'EBCDIC',
  'utf-16le': 'UTF-16LE',
  'utf-16be': 'UTF-16BE',
  'utf-32le': 'UTF-32LE',
  'utf-32be': 'UTF-32BE',
};

/** A declared `utf-16` means either byte order (WHATWG resolves it to utf-16le), and so for UTF-32. */
const OTHER_BYTE_ORDER: Record<string, ByteForm> = {
  'utf-16le': 'utf-16be',
  'utf-16be': 'utf-16le',
  'utf-32le': 'utf-32be',
  'utf-32be': 'utf-32le',
};

function claimsOn(body: Uint8Array, bom: string | undefined, contentType: string | null | undefined) {
  const form = bom ? byteFormOf(bom) : sniffByteForm(body);
  const claims = [
    { source: 'the BOM', label: bom, guessed: false },
    { source: 'the HTTP charset', label: charsetParameter(contentType), guessed: false },
    { source: 'the XML declaration', label: xmlDeclaredEncoding(body, form), guessed: false },
    { source: 'XML Appendix F sniffing', label: form && formEncoding(form), guessed: true },
  ];
  return { form, claims: claims.filter((claim): claim is Claim => claim.label !== undefined) };
}

/**
 * The encoding a claim names, as the document's first bytes allow it: with their byte order,
 * and not at all when they contradict it (a UTF-16 name on a document that starts `<?xm` in
 * single bytes was written by mistake).
 */
function encodingOf(claim: Claim, form: ByteForm | undefined): { name: string } | { problem: string } {
  const name = resolveCharsetLabel(claim.label);
  if (!name) return { problem: `${claim.source} names an unknown encoding '${claim.label}'` };
  if (!decoderFor(name)) return { problem: `${claim.source} names '${claim.label}', which is not supported` };
  if (!form || byteFormOf(name) === form) return { name };
  if (OTHER_BYTE_ORDER[name] === form) return { name: form };
  return { problem: `${claim.source} names ${claim.label} but the document starts in ${FORM_NAMES[form]}` };
}

/**
 * Feed bytes to text, as the WHATWG Encoding Standard and XML 1.0 Appendix F say, and as
 * feedparser does where they leave room. A BOM wins, then the HTTP charset (RFC 7303), then the
 * XML declaration, then what the first bytes prove (UTF-16/32, EBCDIC). A claim that names an
 * unknown encoding, contradicts those bytes or does not fit the body is set aside for the next,
 * and the note says so, except UTF-8 with a few stray bytes, which stays UTF-8 (the stray
 * bytes read as windows-1252). With none left the encoding is guessed (charset-guess.ts).
 * Nothing is refused, since windows-1252 reads any bytes.
 */
export function decodeFeed(bytes: Uint8Array, contentType?: string | null): DecodedFeed {
  const bom = readBom(bytes);
  const body = bytes.subarray(bom?.length ?? 0);
  const { form, claims } = claimsOn(body, bom?.name, contentType);
  const problems: string[] = [];
  const tried = new Set<string>();
  const decoded = (text: string, name: string, guessed: boolean): DecodedFeed => ({
    // A second BOM (a CMS that prepends one to a file that had one) would stop the XML parser.
    text: text.replace(/^\uFEFF/, ''),
    charset: { name, guessed, ...(problems.length > 0 ? { note: `${problems.join('; ')}; read as ${name}` } : {}) },
  });
  for (const claim of claims) {
    const found = encodingOf(claim, form);
    if ('problem' in found) {
      problems.push(found.problem);
      continue;
    }
    if (tried.has(found.name)) continue;
    tried.add(found.name);
    const text = decoderFor(found.name)?.(body);
    if (text !== undefined) return decoded(text, found.name, claim.guessed);
    const mostly = found.name === 'utf-8' ? decodeMostlyUtf8(body) : undefined;
    if (mostly) {
      const stray = mostly.strayBytes === 1 ? '1 byte is' : `${mostly.strayBytes} bytes are`;
      problems.push(`${claim.source} names ${claim.label}, but ${stray} not ${found.name} (read as windows-1252)`);
      return decoded(mostly.text, found.name, claim.guessed);
    }
    problems.push(`${claim.source} names ${claim.label} but the body is not valid ${found.name}`);
  }
  const guess = guessCharset(body, tried);
  return decoded(guess.text, guess.name, true);
}
