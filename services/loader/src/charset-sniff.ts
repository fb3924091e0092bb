import { type ByteForm, decoderFor } from './charset-codecs.js';

/** UTF-32LE's BOM starts with UTF-16LE's, so it is looked for first. */
const BOMS: readonly { bytes: readonly number[]; name: string }[] = [
  { bytes: [0xff, 0xfe, 0x00, 0x00], name: 'utf-32le' },
  { bytes: [0x00, 0x00, 0xfe, 0xff], name: 'utf-32be' },
  { bytes: [0xef, 0xbb, 0xbf], name: 'utf-8' },
  { bytes: [0xff, 0xfe], name: 'utf-16le' },
  { bytes: [0xfe, 0xff], name: 'utf-16be' },
];

/** XML 1.0 Appendix F: the first four bytes of a document without a BOM, `<?xm` or `<`. */
const XML_STARTS: readonly { bytes: readonly number[]; form: ByteForm }[] = [
  { bytes: [0x3c, 0x00, 0x00, 0x00], form: 'utf-32le' },
  { bytes: [0x00, 0x00, 0x00, 0x3c], form: 'utf-32be' },
  { bytes: [0x3c, 0x00, 0x3f, 0x00], form: 'utf-16le' },
  { bytes: [0x00, 0x3c, 0x00, 0x3f], form: 'utf-16be' },
  { bytes: [0x4c, 0x6f, 0xa7, 0x94], form: 'ebcdic' },
  { bytes: [0x3c, 0x3f, 0x78, 0x6d], form: 'ascii' },
];

/**
 * The encoding each form is read in until a declaration says better. Every EBCDIC page spells
 * an XML declaration as cp037 does; every ASCII-compatible encoding as windows-1252 does.
 */
const FORM_ENCODING: Record<ByteForm, string> = {
  ascii: 'windows-1252',
  ebcdic: 'cp037',
  'utf-16le': 'utf-16le',
  'utf-16be': 'utf-16be',
  'utf-32le': 'utf-32le',
  'utf-32be': 'utf-32be',
};

/** Enough for any XML declaration, even in UTF-32. */
const HEAD_BYTES = 1024;

const XML_DECLARATION = /^\s*<\?xml\s[^>]*?\bencoding\s*=\s*(["'])(.*?)\1/;

const startsWith = (bytes: Uint8Array, prefix: readonly number[]) => prefix.every((byte, i) => bytes[i] === byte);

export function readBom(bytes: Uint8Array): { name: string; length: number } | undefined {
  const bom = BOMS.find((candidate) => startsWith(bytes, candidate.bytes));
  return bom && { name: bom.name, length: bom.bytes.length };
}

/** The form Appendix F finds in a BOM-less document's first bytes; undefined when they show none. */
export function sniffByteForm(bytes: Uint8Array): ByteForm | undefined {
  return XML_STARTS.find((start) => startsWith(bytes, start.bytes))?.form;
}

/** The encoding a document's bytes alone prove, for the forms that prove one. */
export function formEncoding(form: ByteForm): string | undefined {
  return form === 'ascii' ? undefined : FORM_ENCODING[form];
}

/** The encoding label an XML declaration names, read from the document's start in its form. */
export function xmlDeclaredEncoding(bytes: Uint8Array, form: ByteForm | undefined): string | undefined {
  const head = decoderFor(FORM_ENCODING[form ?? 'ascii'])?.(bytes.subarray(0, HEAD_BYTES));
  return head === undefined ? undefined : XML_DECLARATION.exec(head)?.[2];
}
