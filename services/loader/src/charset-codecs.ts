import iconv from 'iconv-lite';
import { EBCDIC_TABLES } from './ebcdic-tables.js';

/** The text the bytes spell in one encoding, or undefined when they are not valid in it. */
export type StrictDecoder = (bytes: Uint8Array) => string | undefined;

/**
 * What `<?xm` looks like in an encoding's bytes (XML 1.0 Appendix F): which declarations
 * could be true of a document, before any is read.
 */
export type ByteForm = 'ascii' | 'ebcdic' | 'utf-16le' | 'utf-16be' | 'utf-32le' | 'utf-32be';

function nativeDecoder(label: string): StrictDecoder {
  return (bytes) => {
    try {
      return new TextDecoder(label, { fatal: true, ignoreBOM: true }).decode(bytes);
    } catch {
      return undefined;
    }
  };
}

/** iconv-lite has no strict mode, but none of its tables maps a valid sequence to U+FFFD. */
function iconvDecoder(codec: string): StrictDecoder {
  return (bytes) => {
    const text = iconv.decode(bytes, codec, { stripBOM: false });
    return text.includes('\uFFFD') ? undefined : text;
  };
}

/**
 * For a table that maps every byte, so the decoder never fails. The characters are written as
 * UTF-16LE for TextDecoder to join: 15 times faster than String.fromCharCode on a 5 MB feed.
 */
function tableDecoder(table: string): (bytes: Uint8Array) => string {
  const units = Uint16Array.from(table, (char) => char.charCodeAt(0));
  return (bytes) => {
    const utf16le = new Uint8Array(bytes.length * 2);
    for (let i = 0; i < bytes.length; i++) {
      const unit = units[bytes[i]!]!;
      utf16le[2 * i] = unit & 0xff;
      utf16le[2 * i + 1] = unit >> 8;
    }
    return new TextDecoder('utf-16le', { ignoreBOM: true }).decode(utf16le);
  };
}

/** Far fewer than the arguments a call can spread before the stack overflows. */
const POINTS_PER_CALL = 0x2000;

/** UTF-32 is outside WHATWG and Node; a unit past U+10FFFF or a surrogate makes it invalid. */
function utf32Decoder(littleEndian: boolean): StrictDecoder {
  return (bytes) => {
    if (bytes.length % 4 !== 0) return undefined;
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const points = new Uint32Array(bytes.length / 4);
    for (let i = 0; i < points.length; i++) {
      const point = view.getUint32(i * 4, littleEndian);
      if (point > 0x10ffff || (point >= 0xd800 && point <= 0xdfff)) return undefined;
      points[i] = point;
    }
    let text = '';
    for (let i = 0; i < points.length; i += POINTS_PER_CALL) {
      text += String.fromCodePoint(...points.subarray(i, i + POINTS_PER_CALL));
    }
    return text;
  };
}

/**
 * Encodings Node's TextDecoder reads as the standard's index files say (measured: every byte
 * of the single-byte ones, every pair of the multi-byte ones). Node still differs at a few
 * bytes of koi8-u, windows-874, -1253 and -1255, where iconv-lite does no better. GBK is read
 * by the gb18030 decoder, as WHATWG says: Node's own `gbk` refuses four-byte sequences.
 */
const NATIVE = [
  'utf-8',
  'utf-16le',
  'utf-16be',
  'iso-8859-2',
  'iso-8859-3',
  'iso-8859-4',
  'iso-8859-5',
  'iso-8859-6',
  'iso-8859-7',
  'iso-8859-8',
  'iso-8859-8-i',
  'iso-8859-10',
  'iso-8859-13',
  'iso-8859-14',
  'iso-8859-15',
  'koi8-r',
  'koi8-u',
  'macintosh',
  'windows-874',
  'windows-1250',
  'windows-1251',
  'windows-1253',
  'windows-1254',
  'windows-1255',
  'windows-1256',
  'windows-1257',
  'windows-1258',
  'x-mac-cyrillic',
  'gb18030',
  'euc-jp',
  'iso-2022-jp',
  'shift_jis',
];

/**
 * Encodings iconv-lite reads, by its name for them: the code pages outside WHATWG, and the
 * WHATWG ones Node gets wrong or lacks (its ibm866 swaps three control bytes, its Big5 lacks
 * HKSCS and its EUC-KR the Windows extension; iconv-lite matches the standard's indexes).
 */
const ICONV: Record<string, string> = {
  ibm866: 'cp866',
  'iso-8859-16': 'iso-8859-16',
  big5: 'big5',
  'euc-kr': 'euc-kr',
  ibm437: 'cp437',
  cp737: 'cp737',
  ibm775: 'cp775',
  ibm850: 'cp850',
  ibm852: 'cp852',
  ibm855: 'cp855',
  cp856: 'cp856',
  ibm857: 'cp857',
  ibm860: 'cp860',
  ibm861: 'cp861',
  ibm862: 'cp862',
  ibm863: 'cp863',
  ibm864: 'cp864',
  ibm865: 'cp865',
  ibm869: 'cp869',
  cp1125: 'cp1125',
  'koi8-t': 'koi8-t',
  'x-mac-ce': 'maccenteuro',
  'x-mac-greek': 'macgreek',
  'x-mac-icelandic': 'maciceland',
  'x-mac-turkish': 'macturkish',
};

/**
 * windows-1252's 0x80-0x9F from WHATWG's index-windows-1252 (its five unassigned bytes stay C1
 * controls); the rest is Latin-1. Ours because Node 20 reads the whole range as C1 controls.
 */
const WINDOWS_1252_C1 = '€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008dŽ\u008f\u0090‘’“”•–—˜™š›œ\u009džŸ';

const latin1 = (from: number, to: number) =>
  String.fromCharCode(...Array.from({ length: to - from }, (_, i) => from + i));

const WINDOWS_1252 = tableDecoder(latin1(0, 0x80) + WINDOWS_1252_C1 + latin1(0xa0, 0x100));

/** WHATWG's x-user-defined: ASCII, then each high byte as a private-use character. */
const X_USER_DEFINED = String.fromCharCode(...Array.from({ length: 256 }, (_, b) => (b < 0x80 ? b : 0xf700 + b)));

const DECODERS = new Map<string, StrictDecoder>([
  ...NATIVE.map((name) => [name, nativeDecoder(name)] as const),
  ['gbk', nativeDecoder('gb18030')],
  ...Object.entries(ICONV).map(([name, codec]) => [name, iconvDecoder(codec)] as const),
  ...Object.entries(EBCDIC_TABLES).map(([name, table]) => [name, tableDecoder(table)] as const),
  ['windows-1252', WINDOWS_1252],
  ['x-user-defined', tableDecoder(X_USER_DEFINED)],
  ['utf-32le', utf32Decoder(true)],
  ['utf-32be', utf32Decoder(false)],
]);

const FORMS: Record<string, ByteForm> = {
  'utf-16le': 'utf-16le',
  'utf-16be': 'utf-16be',
  'utf-32le': 'utf-32le',
  'utf-32be': 'utf-32be',
  ...Object.fromEntries(Object.keys(EBCDIC_TABLES).map((name) => [name, 'ebcdic'] as const)),
};

/**
 * The strict decoder for a canonical encoding name; none for WHATWG's `replacement` (what
 * ISO-2022-KR, HZ and ISO-2022-CN map to), which reads any document as one U+FFFD: a
 * browser's defence that would leave a feed with nothing to read.
 */
export function decoderFor(name: string): StrictDecoder | undefined {
  return DECODERS.get(name);
}

export function byteFormOf(name: string): ByteForm {
  return FORMS[name] ?? 'ascii';
}

/** The last resort of every guess: it maps every byte, and old Latin-1 sites are the likeliest. */
export function decodeWindows1252(bytes: Uint8Array): string {
  return WINDOWS_1252(bytes);
}

/** The length of the UTF-8 sequence at `i`, or 0 when the bytes there are not one (RFC 3629's table). */
function utf8SequenceAt(bytes: Uint8Array, i: number): number {
  const lead = bytes[i]!;
  const inRange = (at: number, low: number, high: number) => {
    const byte = bytes[at];
    return byte !== undefined && byte >= low && byte <= high;
  };
  const continued = (from: number, count: number) => {
    for (let k = 0; k < count; k++) if (!inRange(from + k, 0x80, 0xbf)) return false;
    return true;
  };
  if (lead < 0x80) return 1;
  if (lead >= 0xc2 && lead <= 0xdf) return continued(i + 1, 1) ? 2 : 0;
  if (lead >= 0xe0 && lead <= 0xef) {
    const [low, high] = lead === 0xe0 ? [0xa0, 0xbf] : lead === 0xed ? [0x80, 0x9f] : [0x80, 0xbf];
    return inRange(i + 1, low, high) && continued(i + 2, 1) ? 3 : 0;
  }
  if (lead >= 0xf0 && lead <= 0xf4) {
    const [low, high] = lead === 0xf0 ? [0x90, 0xbf] : lead === 0xf4 ? [0x80, 0x8f] : [0x80, 0xbf];
    return inRange(i + 1, low, high) && continued(i + 2, 2) ? 4 : 0;
  }
  return 0;
}

/**
 * UTF-8 with a few bytes that are not (a windows-1252 quote pasted into a UTF-8 page): the
 * UTF-8 read as UTF-8 and each stray byte as windows-1252, so one bad byte does not turn a
 * whole feed into mojibake. Undefined unless the body's multi-byte UTF-8 sequences outnumber
 * its stray bytes: Latin-1 text has none, and is better read whole as windows-1252.
 */
export function decodeMostlyUtf8(bytes: Uint8Array): { text: string; strayBytes: number } | undefined {
  const utf8 = new TextDecoder('utf-8', { ignoreBOM: true });
  const parts: string[] = [];
  let runStart = 0;
  let sequences = 0;
  let strayBytes = 0;
  for (let i = 0; i < bytes.length; ) {
    const length = utf8SequenceAt(bytes, i);
    if (length > 1) sequences++;
    if (length > 0) {
      i += length;
      continue;
    }
    parts.push(utf8.decode(bytes.subarray(runStart, i)), WINDOWS_1252(bytes.subarray(i, i + 1)));
    strayBytes++;
    runStart = ++i;
  }
  if (strayBytes === 0 || sequences <= strayBytes) return undefined;
  parts.push(utf8.decode(bytes.subarray(runStart)));
  return { text: parts.join(''), strayBytes };
}
