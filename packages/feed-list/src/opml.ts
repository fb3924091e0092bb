import { decodeXML, encodeXML } from 'entities';

export interface OpmlFeed {
  url: string;
  title?: string;
  /** The web page the feed belongs to (OPML 2.0 `htmlUrl`). */
  htmlUrl?: string;
}

const OUTLINE = /<outline\b([^>]*?)\/?>/gi;
const ATTRIBUTE = /([A-Za-z_:][\w:.-]*)\s*=\s*("([^"]*)"|'([^']*)')/g;

function attributes(source: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of source.matchAll(ATTRIBUTE)) out[(m[1] ?? '').toLowerCase()] = decodeXML(m[3] ?? m[4] ?? '');
  return out;
}

/**
 * The feeds of an OPML subscription list (what feed readers export): every outline with an
 * xmlUrl, at any depth of folders, once each. Only http(s) URLs count as feeds.
 */
export function parseOpml(text: string): OpmlFeed[] {
  if (!/<opml\b/i.test(text)) throw new Error('not an OPML document (no <opml> element)');
  const feeds = new Map<string, OpmlFeed>();
  for (const m of text.matchAll(OUTLINE)) {
    const a = attributes(m[1] ?? '');
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
    const name = encodeXML(f.title ?? f.url);
    const html = f.htmlUrl ? ` htmlUrl="${encodeXML(f.htmlUrl)}"` : '';
    return `    <outline type="rss" text="${name}" title="${name}" xmlUrl="${encodeXML(f.url)}"${html}/>`;
  });
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<opml version="2.0">',
    `  <head><title>${encodeXML(title)}</title></head>`,
    '  <body>',
    ...outlines,
    '  </body>',
    '</opml>',
    '',
  ].join('\n');
}
