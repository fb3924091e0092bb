import { FeedError } from './errors/feed-error.js';

const XML_DECLARATION = /^\s*<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9._-]+)["']/;

export interface DecodedFeed {
  text: string;
  /** The character set used; `guessed` when neither a BOM, the XML declaration nor HTTP named one. */
  charset: { name: string; guessed: boolean };
}

function namedCharset(bytes: Uint8Array, contentType: string | null | undefined): string | undefined {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return 'utf-8';
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return 'utf-16le';
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return 'utf-16be';
  const head = Buffer.from(bytes.subarray(0, 200)).toString('latin1');
  const declared = XML_DECLARATION.exec(head)?.[1] ?? /charset=([^;\s]+)/i.exec(contentType ?? '')?.[1];
  return declared?.replace(/["']/g, '').toLowerCase();
}

/**
 * Feed bytes to text. A BOM wins, then the XML declaration's encoding, then the HTTP charset
 * (publishers fix their documents more often than their servers). When none names one, the
 * body is UTF-8 if it decodes as UTF-8, and otherwise windows-1252, as browsers and feed
 * readers do with old Latin-1 sites; the report says the charset was guessed.
 */
export function decodeFeed(bytes: Uint8Array, feed: string, contentType?: string | null): DecodedFeed {
  const named = namedCharset(bytes, contentType);
  const strip = (text: string) => text.replace(/^\uFEFF/, '');
  if (!named) {
    try {
      return {
        text: strip(new TextDecoder('utf-8', { fatal: true }).decode(bytes)),
        charset: { name: 'utf-8', guessed: true },
      };
    } catch {
      return {
        text: strip(new TextDecoder('windows-1252').decode(bytes)),
        charset: { name: 'windows-1252', guessed: true },
      };
    }
  }
  let decoder: TextDecoder;
  try {
    decoder = new TextDecoder(named, { fatal: named === 'utf-8' });
  } catch {
    throw new FeedError('FEED_BAD_ENCODING', feed, `unknown character encoding '${named}'`);
  }
  try {
    return { text: strip(decoder.decode(bytes)), charset: { name: decoder.encoding, guessed: false } };
  } catch {
    throw new FeedError(
      'FEED_BAD_ENCODING',
      feed,
      `the body is not valid ${named}; declare its real encoding in the XML declaration`,
    );
  }
}
