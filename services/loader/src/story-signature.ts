/**
 * Near-duplicate detection, pure: the same news from two outlets shares most of its content
 * words even when the sentences differ, so an article becomes a set of word shingles, the
 * set a MinHash signature (whose agreeing positions estimate the Jaccard similarity of two
 * sets), and the signature LSH band keys (two articles sharing a band key are candidates,
 * which the signatures then confirm or reject). The Redis shell (story-claims.ts) stores and
 * compares these; nothing here touches Redis.
 */

export interface SignatureOptions {
  /** MinHash functions per signature: more estimate similarity better and cost more. */
  hashes: number;
  /** Signature positions per LSH band; `hashes` must be a multiple of it. */
  rowsPerBand: number;
}

/**
 * 128 hashes estimate a similarity within about ±0.04; bands of 2 rows make a pair at 0.25
 * similarity a candidate with probability 1 − (1 − 0.25²)⁶⁴ ≈ 98%, so the threshold, not the
 * banding, decides which reworded copies merge.
 */
export const DEFAULT_SIGNATURE_OPTIONS: SignatureOptions = { hashes: 128, rowsPerBand: 2 };

/** Words that say nothing about which story an article tells. */
const STOP_WORDS = new Set(
  (
    'a about above after again against all also am an and any are as at be because been before being ' +
    'below between both but by can could did do does doing down during each few for from further had has have ' +
    'having he her here hers him his how i if in into is it its itself just more most my no nor not now of off ' +
    'on once only or other our ours out over own same she should so some such than that the their theirs them ' +
    'then there these they this those through to too under until up very was we were what when where which ' +
    'while who whom why will with would you your yours says said say year years new'
  ).split(' '),
);

/** How long a word stem is: cuts "withdrawals" and "withdrawal", "investors" and "investor" alike. */
const STEM_CHARS = 6;

/** The content words of a text, lower-cased and cut to their stems; numbers keep their digits. */
export function contentWords(text: string): string[] {
  const words = text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/['’]s\b/g, '')
    // "$80,000" and "80000" are the same number; "2.4%" keeps its decimal point.
    .replace(/(\d),(?=\d{3}\b)/g, '$1')
    .match(/\d+(?:\.\d+)?|[a-z]+/g);
  if (!words) return [];
  return words.filter((w) => !STOP_WORDS.has(w) && (w.length > 1 || /\d/.test(w))).map((w) => w.slice(0, STEM_CHARS));
}

/**
 * The shingles of an article: its content words, each once. Reworded copies keep the facts
 * (names, numbers, key nouns) but rarely the word order, so single words match them far
 * better than runs of words would.
 */
export function shingles(title: string, summary: string): Set<string> {
  return new Set(contentWords(`${title} ${summary}`));
}

/** FNV-1a over the UTF-16 code units: a fast 32-bit hash of a shingle. */
function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** MurmurHash3's finaliser: mixes every input bit into every output bit. */
function mix32(x: number): number {
  let h = x >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

const seedCache = new Map<number, Uint32Array>();
function seeds(count: number): Uint32Array {
  let s = seedCache.get(count);
  if (!s) {
    s = Uint32Array.from({ length: count }, (_, i) => mix32(Math.imul(i + 1, 0x9e3779b9)));
    seedCache.set(count, s);
  }
  return s;
}

/**
 * The MinHash signature of a set of shingles: per hash function, the smallest hash of any
 * shingle. Undefined for an empty set, which has no story to share.
 */
export function minHash(set: Set<string>, hashes = DEFAULT_SIGNATURE_OPTIONS.hashes): Uint32Array | undefined {
  if (set.size === 0) return undefined;
  const seed = seeds(hashes);
  const signature = new Uint32Array(hashes).fill(0xffffffff);
  for (const shingle of set) {
    const base = fnv1a(shingle);
    for (let i = 0; i < hashes; i++) {
      const h = mix32(base ^ (seed[i] as number));
      if (h < (signature[i] as number)) signature[i] = h;
    }
  }
  return signature;
}

/** The estimated Jaccard similarity of the sets behind two signatures of the same length. */
export function similarity(a: Uint32Array, b: Uint32Array): number {
  let same = 0;
  for (let i = 0; i < a.length; i++) if (a[i] === b[i]) same++;
  return same / a.length;
}

/** The exact Jaccard similarity of two sets, which a signature estimates. */
export function jaccard(a: Set<string>, b: Set<string>): number {
  if (a.size === 0 && b.size === 0) return 0;
  let shared = 0;
  for (const x of a) if (b.has(x)) shared++;
  return shared / (a.size + b.size - shared);
}

/**
 * One key per LSH band: `<band>.<hash of the band's rows>`. Two signatures that agree on every
 * row of some band share that band's key.
 */
export function bandKeys(signature: Uint32Array, rowsPerBand = DEFAULT_SIGNATURE_OPTIONS.rowsPerBand): string[] {
  if (signature.length % rowsPerBand !== 0)
    throw new RangeError(`a signature of ${signature.length} hashes does not split into bands of ${rowsPerBand}`);
  const keys: string[] = [];
  for (let band = 0; band * rowsPerBand < signature.length; band++) {
    let h = 0x811c9dc5;
    for (let row = 0; row < rowsPerBand; row++) h = mix32(h ^ (signature[band * rowsPerBand + row] as number));
    keys.push(`${band}.${h.toString(36)}`);
  }
  return keys;
}

/** A signature as bytes, 4 a hash (big-endian), so Lua compares it position by position at half the size of hex. */
export function encodeSignature(signature: Uint32Array): Buffer {
  const bytes = Buffer.alloc(signature.length * 4);
  for (let i = 0; i < signature.length; i++) bytes.writeUInt32BE(signature[i] as number, i * 4);
  return bytes;
}

export function decodeSignature(bytes: Buffer): Uint32Array {
  return Uint32Array.from({ length: bytes.length / 4 }, (_, i) => bytes.readUInt32BE(i * 4));
}

export interface StorySignature {
  signature: Buffer;
  bands: string[];
}

/** What the store needs to find an article's story: its encoded signature and band keys. */
export function storySignature(
  article: { title: string; summary: string },
  options: SignatureOptions = DEFAULT_SIGNATURE_OPTIONS,
): StorySignature | undefined {
  const signature = minHash(shingles(article.title, article.summary), options.hashes);
  return signature && { signature: encodeSignature(signature), bands: bandKeys(signature, options.rowsPerBand) };
}
