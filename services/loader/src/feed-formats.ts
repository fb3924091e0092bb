/**
 * The feed formats tidings reads, one row each: how a document in that format is recognised
 * and where its items are. Everything else about a format (which elements carry a title, a
 * link, a date or a body) is in read-feed-item.ts, keyed by the namespaces below, since RSS
 * items borrow Atom and Dublin Core elements and the other way round.
 */

export const NS = {
  none: '',
  atom10: 'http://www.w3.org/2005/Atom',
  atom03: 'http://purl.org/atom/ns#',
  rss10: 'http://purl.org/rss/1.0/',
  rss090: 'http://my.netscape.com/rdf/simple/0.9/',
  rdf: 'http://www.w3.org/1999/02/22-rdf-syntax-ns#',
  dc: 'http://purl.org/dc/elements/1.1/',
  dcterms: 'http://purl.org/dc/terms/',
  content: 'http://purl.org/rss/1.0/modules/content/',
  xhtml: 'http://www.w3.org/1999/xhtml',
  xml: 'http://www.w3.org/XML/1998/namespace',
  /** CNBC's own item metadata: `metadata:sponsored` marks paid content. */
  cnbcMetadata: 'http://search.cnbc.com/rss/2.0/modules/siteContentMetadata',
} as const;

/** Namespaces that RSS's own elements appear in: none, RSS 1.0's and 0.90's, and UserLand's and Harvard's RSS 2.0 ones. */
export const RSS_NAMESPACES: readonly string[] = [
  NS.none,
  NS.rss10,
  NS.rss090,
  'http://backend.userland.com/rss',
  'http://backend.userland.com/rss2',
  'http://blogs.law.harvard.edu/tech/rss',
];

/** Atom 1.0, 0.3, and the drafts before 0.3 (Pie, Echo, Necho) that feeds were published in. */
export const ATOM_NAMESPACES: readonly string[] = [
  NS.atom10,
  NS.atom03,
  'http://purl.org/pie/',
  'http://purl.org/echo/',
  'http://example.com/necho',
  'http://example.com/newformat#',
];

/**
 * A prefix used without its xmlns declaration is still the namespace everyone means by it;
 * sax reports such an element in a "namespace" named after its bare prefix.
 */
export const CONVENTIONAL_PREFIXES: Readonly<Record<string, string>> = {
  atom: NS.atom10,
  content: NS.content,
  dc: NS.dc,
  dcterms: NS.dcterms,
  rdf: NS.rdf,
  xhtml: NS.xhtml,
  metadata: NS.cnbcMetadata,
};

export type FeedFormat = 'rss' | 'rdf' | 'atom10' | 'atom03' | 'json';

export interface XmlFeedFormat {
  format: Exclude<FeedFormat, 'json'>;
  /** The root element's local name and the namespaces it may be in. */
  root: { local: string; ns: readonly string[] };
  /** The item element's local name; an item is a child of the root or of its `channel`. */
  item: string;
}

/** RSS 0.9x and 2.0 carry no namespace, but some publishers put their root in one anyway. */
export const XML_FEED_FORMATS: readonly XmlFeedFormat[] = [
  { format: 'rss', root: { local: 'rss', ns: RSS_NAMESPACES }, item: 'item' },
  { format: 'rdf', root: { local: 'RDF', ns: [NS.rdf] }, item: 'item' },
  { format: 'atom10', root: { local: 'feed', ns: [NS.atom10] }, item: 'entry' },
  { format: 'atom03', root: { local: 'feed', ns: [...ATOM_NAMESPACES.slice(1), NS.none] }, item: 'entry' },
];

export function xmlFeedFormat(root: { ns: string; local: string }): XmlFeedFormat | undefined {
  return XML_FEED_FORMATS.find((f) => f.root.local === root.local && f.root.ns.includes(root.ns));
}
