import sax from 'sax';
import { CONVENTIONAL_PREFIXES, NS, type XmlFeedFormat, xmlFeedFormat } from './feed-formats.js';

export interface XmlAttribute {
  ns: string;
  local: string;
  value: string;
}

/** One element kept from a feed: an item, or one of the feed's own elements (its title, link…). */
export interface XmlNode {
  ns: string;
  local: string;
  attributes: XmlAttribute[];
  children: (XmlNode | string)[];
  /** The element's xml:base (resolved against its ancestors' and the document's URL), if it or an ancestor has one. */
  base: string | undefined;
}

/** Deeper than this inside one item is no article: the item is dropped, not the feed. */
export const MAX_ITEM_DEPTH = 64;

/** Garbage can hold an error per character; the first few say what is wrong. */
const MAX_ERRORS = 20;

export interface CapturedItem {
  node: XmlNode;
  /** Why the item cannot be read, when it can't. */
  unreadable?: string;
}

export function attribute(node: XmlNode, local: string, ns: string = NS.none): string | undefined {
  return node.attributes.find((a) => a.local === local && a.ns === ns)?.value;
}

function resolveBase(href: string, base: string | undefined): string | undefined {
  try {
    return new URL(href.trim(), base).toString();
  } catch {
    return base;
  }
}

/** Prefixes in force: the default namespace under '', and `xml`, which is always bound. */
type Scope = ReadonlyMap<string, string>;
const DOCUMENT_SCOPE: Scope = new Map([
  ['', NS.none],
  ['xml', NS.xml],
]);

function splitName(name: string): [prefix: string, local: string] {
  const colon = name.indexOf(':');
  return colon < 0 ? ['', name] : [name.slice(0, colon), name.slice(colon + 1)];
}

/** The parent's prefixes and whatever the element's own xmlns attributes bind; the parent's map itself when it binds none. */
function scopeOf(attributes: Record<string, string>, parent: Scope): Scope {
  let scope: Map<string, string> | undefined;
  for (const [name, value] of Object.entries(attributes)) {
    if (name !== 'xmlns' && !name.startsWith('xmlns:')) continue;
    scope ??= new Map(parent);
    scope.set(name === 'xmlns' ? '' : name.slice('xmlns:'.length), value);
  }
  return scope ?? parent;
}

/** sax's messages end in the bytes it choked on; only the leading words say what is wrong without echoing them. */
function errorReason(message: string): string {
  return /^[A-Za-z][A-Za-z ,.'-]*/.exec(message)?.[0].trim() ?? 'malformed';
}

interface Frame {
  node: XmlNode;
  scope: Scope;
  /** Kept: an item or a feed-level element, or inside one. */
  kept: boolean;
  isItem: boolean;
  depth: number;
}

/**
 * A feed's XML read a slice at a time by its own sax parser, so nothing carries from one feed
 * to the next. It keeps the items (handed out by `takeItems` as they close) and the feed's own
 * elements, and nothing else. A well-formedness error is recorded and reading goes on, as the
 * Universal Feed Parser does: the caller decides whether what was read is enough.
 */
export class FeedXmlReader {
  format: XmlFeedFormat | undefined;
  root: { ns: string; local: string } | undefined;
  /** The root's and its channel's own children (title, link, …), not items. */
  readonly feedElements: XmlNode[] = [];
  /** Each well-formedness error, `line N: what`, in document order. */
  readonly errors: string[] = [];
  private items: CapturedItem[] = [];
  private readonly stack: Frame[] = [];
  /** Set when the item being read nests deeper than MAX_ITEM_DEPTH. */
  private tooDeep = false;
  private readonly parser: sax.SAXParser;

  constructor(private readonly documentBase: string | undefined) {
    // Namespaces are resolved here, not by sax: only the few elements that declare one cost anything.
    this.parser = sax.parser(true, { position: true });
    this.parser.onerror = (err) => {
      if (this.errors.length < MAX_ERRORS)
        this.errors.push(`line ${this.parser.line + 1}: ${errorReason(err.message)}`);
      this.parser.resume();
    };
    this.parser.onopentag = (tag) => this.open(tag as sax.Tag);
    this.parser.onclosetag = () => this.close();
    this.parser.ontext = (text) => this.text(text);
    this.parser.oncdata = (text) => this.text(text);
  }

  write(slice: string): void {
    this.parser.write(slice);
  }

  end(): void {
    this.parser.close();
  }

  /** Items closed since the last call, in document order. */
  takeItems(): CapturedItem[] {
    const taken = this.items;
    this.items = [];
    return taken;
  }

  /** The namespace a prefix is bound to; an unbound one is an error read past, as the namespace everyone means by it. */
  private namespaceOf(prefix: string, scope: Scope): string {
    const bound = scope.get(prefix);
    if (bound !== undefined) return bound;
    if (this.errors.length < MAX_ERRORS) this.errors.push(`line ${this.parser.line + 1}: Unbound namespace prefix`);
    return Object.hasOwn(CONVENTIONAL_PREFIXES, prefix) ? CONVENTIONAL_PREFIXES[prefix]! : prefix;
  }

  private open(tag: sax.Tag): void {
    const parent = this.stack.at(-1);
    const scope = scopeOf(tag.attributes, parent?.scope ?? DOCUMENT_SCOPE);
    const [prefix, local] = splitName(tag.name);
    const ns = this.namespaceOf(prefix, scope);
    const attributes: XmlAttribute[] = [];
    for (const [name, value] of Object.entries(tag.attributes)) {
      if (name === 'xmlns' || name.startsWith('xmlns:')) continue;
      const [attributePrefix, attributeLocal] = splitName(name);
      // An attribute without a prefix is in no namespace, whatever the default is.
      const attributeNs = attributePrefix ? this.namespaceOf(attributePrefix, scope) : NS.none;
      attributes.push({ ns: attributeNs, local: attributeLocal, value });
    }
    const xmlBase = attributes.find((a) => a.ns === NS.xml && a.local === 'base')?.value;
    const inherited = parent?.node.base;
    const base = xmlBase === undefined ? inherited : resolveBase(xmlBase, inherited ?? this.documentBase);
    const node: XmlNode = { ns, local, attributes, children: [], base };
    if (!parent) {
      this.root = { ns, local };
      this.format = xmlFeedFormat(this.root);
      this.stack.push({ node, scope, kept: false, isItem: false, depth: 0 });
      return;
    }
    if (parent.kept) {
      const depth = parent.depth + 1;
      if (depth > MAX_ITEM_DEPTH) this.tooDeep = true;
      else parent.node.children.push(node);
      this.stack.push({ node, scope, kept: true, isItem: false, depth });
      return;
    }
    const isItem = this.isItemPosition(local);
    const isChannel = !isItem && local === 'channel' && this.stack.length === 1;
    const kept = isItem || (!isChannel && this.atFeedLevel());
    if (kept && !isItem) this.feedElements.push(node);
    this.stack.push({ node, scope, kept, isItem, depth: 0 });
  }

  private close(): void {
    const frame = this.stack.pop();
    if (!frame) return;
    if (frame.isItem) {
      const unreadable = this.tooDeep ? `nested deeper than ${MAX_ITEM_DEPTH} elements` : undefined;
      this.items.push(unreadable ? { node: frame.node, unreadable } : { node: frame.node });
      this.tooDeep = false;
    }
  }

  private text(text: string): void {
    const frame = this.stack.at(-1);
    if (!frame?.kept || frame.depth > MAX_ITEM_DEPTH) return;
    const children = frame.node.children;
    const last = children.length - 1;
    if (typeof children[last] === 'string') children[last] += text;
    else children.push(text);
  }

  /** An item is a child of the root, or of the root's `channel` (RSS 2.0 nests them, RSS 1.0 does not). */
  private isItemPosition(local: string): boolean {
    return this.format !== undefined && local === this.format.item && this.atFeedLevel();
  }

  private atFeedLevel(): boolean {
    return this.stack.length === 1 || (this.stack.length === 2 && this.stack[1]!.node.local === 'channel');
  }
}
