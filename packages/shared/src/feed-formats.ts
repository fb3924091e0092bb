/** What a reader needs to know of one feed format; the dashboard adds its renderer (FEED_RENDERERS). */
export interface FeedFormatSpec {
  /** The extension of its URLs: /feeds/<slug>.<extension>, /feeds/s/<feed key>.<extension>. */
  extension: string;
  /** Extensions URLs handed out earlier end in: still served as this format, and pinged to WebSub hubs. */
  formerExtensions: readonly string[];
  /** Its Content-Type, and the type of its discovery link (<link rel="alternate">). */
  mediaType: string;
  /** How links name it, e.g. a discovery link's title "tidings: every topic (Atom)". */
  title: string;
}

/**
 * Every feed format tidings serves, once. Routes, WebSub pings, discovery links and job
 * schemas follow from this table; a row without a renderer in the dashboard does not compile.
 */
export const FEED_FORMATS = {
  // Atom was served as .xml before RSS (also XML) could be a format of its own.
  atom: { extension: 'atom', formerExtensions: ['xml'], mediaType: 'application/atom+xml', title: 'Atom' },
  json: { extension: 'json', formerExtensions: [], mediaType: 'application/feed+json', title: 'JSON Feed' },
} as const satisfies Record<string, FeedFormatSpec>;

export type FeedFormat = keyof typeof FEED_FORMATS;
type Spec = (typeof FEED_FORMATS)[FeedFormat];
/** Any extension a feed URL may end in: a format's own, or one it had before. */
export type FeedExtension = Spec['extension'] | Spec['formerExtensions'][number];

export const FEED_FORMAT_NAMES = Object.keys(FEED_FORMATS) as [FeedFormat, ...FeedFormat[]];

/** Every extension served, each format's own first, so links and pings name the current URL first. */
export const FEED_EXTENSIONS = [
  ...FEED_FORMAT_NAMES.map((f) => FEED_FORMATS[f].extension),
  ...FEED_FORMAT_NAMES.flatMap((f) => FEED_FORMATS[f].formerExtensions),
] as [FeedExtension, ...FeedExtension[]];

const FORMAT_OF_EXTENSION = new Map<string, FeedFormat>(
  FEED_FORMAT_NAMES.flatMap((f) => [FEED_FORMATS[f].extension, ...FEED_FORMATS[f].formerExtensions].map((e) => [e, f])),
);

export function isFeedExtension(extension: string): extension is FeedExtension {
  return FORMAT_OF_EXTENSION.has(extension);
}

/** The format a URL's extension serves. */
export function feedFormatOf(extension: FeedExtension): FeedFormat {
  // Every FeedExtension comes from a row of the table, so the map has it.
  return FORMAT_OF_EXTENSION.get(extension) as FeedFormat;
}

/** The extension a format's links use now. */
export function feedExtension(format: FeedFormat): FeedExtension {
  return FEED_FORMATS[format].extension;
}
