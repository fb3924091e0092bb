import { xmlText } from '@tidings/shared';
import { decodeXML } from 'entities';

export interface OpmlFeed {
  url: string;
  title?: string;
  /** The web page the feed belongs to (OPML 2.0 `htmlUrl`). */
  htmlUrl?: string;
}

// Each scan starts where the last one stopped, so no character is read more than a few times
// whatever the input: an unclosed tag or quote ends the scan instead of being retried from
// every later position, which made 40 000 unclosed outlines take seconds.
const OUTLINE_START = /<outline\b/gi;
const NAME_EQUALS_QUOTE = /([A-Za-z_:][\w:.-]*)\s*=\s*(["'])/y;
const NOT_AN_ATTRIBUTE = /[A-Za-z_:][\w:.-]*\s*|[\s\S]/y;

/** The source of each `<outline …>` tag's attributes, up to its `>`; none after an unclosed one. */
function* outlineTags(text: string): Generator<string> {
  // A copy: its lastIndex is this scan's position while the caller holds the generator.
  const start = new RegExp(OUTLINE_START);
  for (let m = start.exec(text); m; m = start.exec(text)) {
    const end = text.indexOf('>', start.lastIndex);
    if (end < 0) return;
    yield text.slice(start.lastIndex, end);
    start.lastIndex = end + 1;
  }
}

/** Quoted `name="value"` pairs, names lowercased and values decoded; anything else is skipped. */
function attributes(tag: string): Record<string, string> {
  const out: Record<string, string> = {};
  let at = 0;
  while (at < tag.length) {
    NAME_EQUALS_QUOTE.lastIndex = at;
    const m = NAME_EQUALS_QUOTE.exec(tag);
    if (!m) {
      NOT_AN_ATTRIBUTE.lastIndex = at;
      NOT_AN_ATTRIBUTE.exec(tag);
      at = NOT_AN_ATTRIBUTE.lastIndex;
      continue;
    }
    const close = tag.indexOf(m[2] ?? '"', NAME_EQUALS_QUOTE.lastIndex);
    if (close < 0) break;
    out[(m[1] ?? '').toLowerCase()] = decodeXML(tag.slice(NAME_EQUALS_QUOTE.lastIndex, close));
    at = close + 1;
  }
  return out;
}

/**
 * The feeds of an OPML subscription list (what feed readers export): every outline with an
 * xmlUrl, at any depth of folders, once each. Only http(s) URLs count as feeds.
 */
export function parseOpml(text: string): OpmlFeed[] {
  if (!/<opml\b/i.test(text)) throw new Error('not an OPML document (no <opml> element)');
  const feeds = new Map<string, OpmlFeed>();
  for (const tag of outlineTags(text)) {
    const a = attributes(tag);
    const url = a.xmlurl?.trim();
    if (!url || !/^https?:\/\//i.test(url) || feeds.has(url)) continue;
    const title = (a.title ?? a.text)?.trim();
    feeds.set(url, title ? { url, title } : { url });
  }
  return [...feeds.values()];
}

/** An OPML 2.0 subscription list: one `type="rss"` outline a feed, with text, xmlUrl and htmlUrl when known. */
export function formatOpml(feeds: OpmlFeed[], title = 'tidings feeds'): string {
  const outlines = feeds.map((f) => {
    const name = xmlText(f.title ?? f.url);
    const html = f.htmlUrl ? ` htmlUrl="${xmlText(f.htmlUrl)}"` : '';
    return `    <outline type="rss" text="${name}" title="${name}" xmlUrl="${xmlText(f.url)}"${html}/>`;
  });
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<opml version="2.0">',
    `  <head><title>${xmlText(title)}</title></head>`,
    '  <body>',
    ...outlines,
    '  </body>',
    '</opml>',
    '',
  ].join('\n');
}
