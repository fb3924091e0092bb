/**
 * Text from feeds, subscribers and OPML files made safe for the format it is written in, in
 * one place: a name may hold anything a JSON body or an XML character reference let through
 * (C0 controls, U+FFFF, half of a surrogate pair), and one such character makes a whole
 * document unreadable to a strict reader.
 */

// Half of a surrogate pair with no other half: not a character in UTF-8, XML or strict JSON.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
// Everything outside XML 1.0's Char production (surrogate pairs are left whole by the u flag).
const NOT_XML_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;
const XML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

/** Well-formed UTF-16: each lone surrogate becomes U+FFFD (what String.prototype.toWellFormed does). */
function wellFormed(text: string): string {
  return text.replace(LONE_SURROGATE, '\uFFFD');
}

/** Text for XML element content or a quoted attribute: XML 1.0 characters only, markup escaped. */
export function xmlText(text: string): string {
  return wellFormed(text)
    .replace(NOT_XML_CHAR, '')
    .replace(/[&<>"']/g, (c) => XML_ESCAPES[c] ?? c);
}

/**
 * A value for JSON.stringify whose strings, keys included, are well-formed UTF-16: otherwise
 * a lone surrogate is written as `\ud800`, which strict JSON readers refuse.
 */
export function wellFormedJson(value: unknown): unknown {
  if (typeof value === 'string') return wellFormed(value);
  if (typeof value !== 'object' || value === null) return value;
  const json = (value as { toJSON?: () => unknown }).toJSON;
  if (typeof json === 'function') return wellFormedJson(json.call(value));
  if (Array.isArray(value)) return value.map(wellFormedJson);
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [wellFormed(k), wellFormedJson(v)]));
}
