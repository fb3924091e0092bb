import { FeedError } from './errors/feed-error.js';

const XML_DECLARATION = /^\s*<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9._-]+)["']/;

/**
 * Feed bytes to text. The XML declaration's encoding wins over the HTTP charset, as feed
 * publishers fix their documents more often than their servers; a BOM wins over both.
 */
export function decodeFeed(bytes: Uint8Array, feed: string, contentType?: string | null): string {
  let encoding = 'utf-8';
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) encoding = 'utf-8';
  else if (bytes[0] === 0xff && bytes[1] === 0xfe) encoding = 'utf-16le';
  else if (bytes[0] === 0xfe && bytes[1] === 0xff) encoding = 'utf-16be';
  else {
    const head = Buffer.from(bytes.subarray(0, 200)).toString('latin1');
    const declared = XML_DECLARATION.exec(head)?.[1] ?? /charset=([^;\s]+)/i.exec(contentType ?? '')?.[1];
    if (declared) encoding = declared.replace(/["']/g, '').toLowerCase();
  }
  let decoder: TextDecoder;
  try {
    decoder = new TextDecoder(encoding, { fatal: encoding === 'utf-8' });
  } catch {
    throw new FeedError('FEED_BAD_ENCODING', feed, `unknown character encoding '${encoding}'`);
  }
  try {
    return decoder.decode(bytes).replace(/^\uFEFF/, '');
  } catch {
    throw new FeedError(
      'FEED_BAD_ENCODING',
      feed,
      `the body is not valid ${encoding}; declare its real encoding in the XML declaration`,
    );
  }
}
