import { parseFeedDate } from './feed-date.js';
import { ATOM_NAMESPACES, type FeedFormat, NS, RSS_NAMESPACES } from './feed-formats.js';
import { attribute, type XmlNode } from './feed-xml-reader.js';
import { collapseSpace, htmlToText } from './html-text.js';

/** One item as the feed gives it, in text: what normaliseItems turns into an article. */
export interface FeedItem {
  title: string;
  /** Absolute when the feed or its base made it so; '' when the item has none. */
  link: string;
  id: string | undefined;
  /** ISO instants; undefined when the feed gives none, or none that can be read. */
  published: string | undefined;
  updated: string | undefined;
  /** The longest of the item's bodies (description, content, summary…) as text. */
  body: string;
  sponsored: boolean;
}

/** Where a field may be: element local names in namespaces, tried in this order. */
type Places = readonly (readonly [namespaces: readonly string[], local: string])[];

const TEXT_NAMESPACES = [...RSS_NAMESPACES, ...ATOM_NAMESPACES];

const TITLE: Places = [
  [TEXT_NAMESPACES, 'title'],
  [[NS.dc], 'title'],
];
const ID: Places = [
  [RSS_NAMESPACES, 'guid'],
  [TEXT_NAMESPACES, 'id'],
];
const PUBLISHED: Places = [
  [ATOM_NAMESPACES, 'published'],
  [[NS.atom03, NS.none], 'issued'],
  [[NS.atom03, NS.none], 'created'],
  [RSS_NAMESPACES, 'pubDate'],
  [[NS.dcterms], 'issued'],
  [[NS.dcterms], 'created'],
];
const UPDATED: Places = [
  [[NS.atom10], 'updated'],
  [[NS.atom03, NS.none], 'modified'],
  [[NS.dc], 'date'],
  [[NS.dcterms], 'modified'],
];
const BODIES: Places = [
  [TEXT_NAMESPACES, 'description'],
  [[NS.content], 'encoded'],
  [TEXT_NAMESPACES, 'content'],
  [TEXT_NAMESPACES, 'summary'],
  [[NS.xhtml], 'body'],
  [[NS.dc], 'description'],
  // An early RSS extension for the full text, still written by some publishers.
  [RSS_NAMESPACES, 'fullitem'],
];

function elements(node: XmlNode): XmlNode[] {
  return node.children.filter((c): c is XmlNode => typeof c !== 'string');
}

function isAt(node: XmlNode, places: Places): boolean {
  return places.some(([namespaces, local]) => node.local === local && namespaces.includes(node.ns));
}

function findAll(node: XmlNode, places: Places): XmlNode[] {
  const children = elements(node);
  return places.flatMap(([namespaces, local]) =>
    children.filter((c) => c.local === local && namespaces.includes(c.ns)),
  );
}

/** The element's text: its own and its descendants', as written. */
function textContent(node: XmlNode): string {
  return node.children.map((c) => (typeof c === 'string' ? c : textContent(c))).join('');
}

function escapeMarkup(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * The element's content as markup. Inline XHTML's text is text, so it is escaped; in content
 * that says it is HTML, elements are a publisher's slip and the text around them is the HTML.
 */
function innerMarkup(node: XmlNode, textIs: 'text' | 'html'): string {
  return node.children
    .map((c) =>
      typeof c === 'string'
        ? textIs === 'text'
          ? escapeMarkup(c)
          : c
        : `<${c.local}>${innerMarkup(c, textIs)}</${c.local}>`,
    )
    .join('');
}

type Markup = 'text' | 'html' | 'xhtml' | 'other';

/** What Atom's `type` (and Atom 0.3's MIME types) say the content is. */
function atomMarkup(type: string | undefined): Markup {
  const t = (type ?? '').trim().toLowerCase();
  if (t === '' || t === 'text' || t === 'text/plain') return 'text';
  if (t === 'html' || t === 'text/html') return 'html';
  if (t === 'xhtml' || t === 'application/xhtml+xml') return 'xhtml';
  if (t.startsWith('text/')) return 'text';
  if (t.endsWith('/xml') || t.endsWith('+xml')) return 'xhtml';
  return 'other';
}

function isAtomElement(node: XmlNode, format: FeedFormat): boolean {
  return ATOM_NAMESPACES.includes(node.ns) || (format === 'atom03' && node.ns === NS.none);
}

function decodeBase64(text: string): string {
  return Buffer.from(text.replace(/\s+/g, ''), 'base64').toString('utf8');
}

/**
 * An element's text as a reader sees it. Atom says what its content is (`type`, and Atom 0.3's
 * `mode`), so a `type="text"` title keeps its angle brackets; RSS says nothing, and its
 * elements carry HTML in practice, so they are read as HTML; XHTML is read as markup.
 */
export function readText(node: XmlNode, format: FeedFormat): string {
  const hasElements = elements(node).length > 0;
  if (node.ns === NS.xhtml) return htmlToText(innerMarkup(node, 'text'));
  const html = () => htmlToText(hasElements ? innerMarkup(node, 'html') : textContent(node));
  if (!isAtomElement(node, format)) return html();
  if (attribute(node, 'src') !== undefined) return '';
  const markup = atomMarkup(attribute(node, 'type'));
  const mode = attribute(node, 'mode')?.trim().toLowerCase();
  // RFC 4287 4.1.3.3: content of any other media type is base64; Atom 0.3 says so with mode.
  if (markup === 'other' || mode === 'base64') {
    const decoded = decodeBase64(textContent(node));
    return markup === 'text' ? collapseSpace(decoded) : htmlToText(decoded);
  }
  if (markup === 'xhtml' || mode === 'xml') return htmlToText(innerMarkup(node, 'text'));
  if (markup === 'html') return html();
  return collapseSpace(textContent(node));
}

/** A link resolved against its base; as written when it cannot be (normaliseItems then drops what is not http(s)). */
export function resolveLink(href: string, base: string | undefined): string {
  const trimmed = href.trim();
  if (!trimmed) return '';
  try {
    return new URL(trimmed, base).toString();
  } catch {
    return trimmed;
  }
}

/** An Atom-style link (href, rel) or an RSS one (the URL as text), resolved against its base. */
function readLink(node: XmlNode, fallbackBase: string | undefined): string | undefined {
  const links = elements(node).filter((c) => c.local === 'link' && TEXT_NAMESPACES.includes(c.ns));
  for (const link of links) {
    const href = attribute(link, 'href');
    const rel = attribute(link, 'rel')?.trim().toLowerCase() ?? 'alternate';
    if (rel !== 'alternate') continue;
    const value = href ?? textContent(link);
    if (value.trim()) return resolveLink(value, link.base ?? fallbackBase);
  }
  return undefined;
}

/** RSS 2.0: a guid is the item's permalink unless it says isPermaLink="false"; only a whole URL is taken for one. */
function permalinkGuid(node: XmlNode): string | undefined {
  const guid = findAll(node, [[RSS_NAMESPACES, 'guid']])[0];
  if (!guid || attribute(guid, 'isPermaLink')?.trim().toLowerCase() === 'false') return undefined;
  const value = textContent(guid).trim();
  return /^https?:\/\//i.test(value) ? resolveLink(value, undefined) : undefined;
}

/** Of several dates for one field, the last one written wins, as in the Universal Feed Parser. */
function lastDate(node: XmlNode, places: Places): string | undefined {
  let found: string | undefined;
  for (const element of elements(node)) {
    if (isAt(element, places)) found = parseFeedDate(textContent(element)) ?? found;
  }
  return found;
}

export interface ItemContext {
  format: FeedFormat;
  /** The base for relative links when the item has no xml:base: the channel's link. */
  fallbackBase: string | undefined;
}

export function longestText(texts: string[]): string {
  return texts.reduce((longest, t) => (t.length > longest.length ? t : longest), '');
}

/** At least as long as readText's result: every text of the element, and a space for each tag. */
function textBound(node: XmlNode): number {
  return node.children.reduce((sum, c) => sum + (typeof c === 'string' ? c.length : 2 + textBound(c)), 0);
}

/**
 * The longest body as text, the first listed on a tie. Turning HTML into text is most of a
 * parse's work, so a body that cannot beat the longest found so far is never turned.
 */
function longestBody(bodies: XmlNode[], format: FeedFormat): string {
  const byBound = bodies
    .map((node, rank) => ({ node, rank, bound: textBound(node) }))
    .sort((a, b) => b.bound - a.bound);
  let best = { text: '', rank: Number.POSITIVE_INFINITY };
  for (const { node, rank, bound } of byBound) {
    if (bound < best.text.length || (bound === best.text.length && rank > best.rank)) continue;
    const text = readText(node, format);
    if (text.length > best.text.length || (text.length === best.text.length && rank < best.rank)) best = { text, rank };
  }
  return best.text;
}

export function readFeedItem(node: XmlNode, context: ItemContext): FeedItem {
  const { format, fallbackBase } = context;
  const title = findAll(node, TITLE)[0];
  const idElement = findAll(node, ID)[0];
  const sponsored = findAll(node, [[[NS.cnbcMetadata], 'sponsored']])[0];
  return {
    title: title ? readText(title, format) : '',
    link: readLink(node, fallbackBase) ?? permalinkGuid(node) ?? '',
    id: collapseSpace(idElement ? textContent(idElement) : (attribute(node, 'about', NS.rdf) ?? '')) || undefined,
    published: lastDate(node, PUBLISHED),
    updated: lastDate(node, UPDATED),
    body: longestBody(findAll(node, BODIES), format),
    sponsored: sponsored ? textContent(sponsored).trim().toLowerCase() === 'true' : false,
  };
}

/** The feed's own title and link, from its root's or channel's elements. */
export function readFeedHead(
  feedElements: XmlNode[],
  format: FeedFormat,
): { title: string | undefined; link: string | undefined } {
  const head: XmlNode = { ns: NS.none, local: 'feed', attributes: [], children: feedElements, base: undefined };
  const title = findAll(head, TITLE)[0];
  return { title: title ? readText(title, format) : undefined, link: readLink(head, undefined) };
}
