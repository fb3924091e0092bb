import { type ErrorCodeDoc, maskFeedUrl, TidingsError } from '@tidings/shared';

/**
 * Every code a feed can fail with, what it means and what to do: FeedErrorCode is this
 * table's keys, so a new code comes with its entry; docs/errors.md is made from it.
 */
const FEED_ERROR_CODES = {
  FEED_TIMEOUT: {
    meaning: 'The feed did not answer completely within FETCH_TIMEOUT_MS; it is tried again FETCH_RETRIES times.',
    fix: 'Nothing if it passes on the next run; for a feed that is always slow, raise FETCH_TIMEOUT_MS.',
  },
  FEED_NETWORK: {
    meaning: 'The connection to the feed failed (DNS, refused, reset, TLS); it is tried again FETCH_RETRIES times.',
    fix: 'Check the host in the message is right and reachable from the loader (proxy, firewall, DNS).',
  },
  FEED_HTTP_STATUS: {
    meaning: 'The feed answered with an HTTP error (or a redirect without a Location); 5xx is tried again, 4xx is not.',
    fix: 'For 404 or 410 the feed moved or ended: find its new URL and change FEED_URLS or `tidings feeds`; for 401 or 403 the URL needs its credentials.',
  },
  FEED_TOO_LARGE: {
    meaning: "The feed's body is larger than FETCH_MAX_BYTES; nothing of it was read.",
    fix: 'Raise FETCH_MAX_BYTES if the feed is really that large, or use a smaller edition of it.',
  },
  FEED_TOO_MANY_REDIRECTS: {
    meaning: "Following the feed's redirects took more hops than allowed (a loop, or a chain of moves).",
    fix: 'Use the URL the redirects end at (the message names the last one).',
  },
  FEED_FILE_NOT_FOUND: {
    meaning: 'A feed given as a local file cannot be opened.',
    fix: "Check the path in FEED_URLS (relative paths are from the loader's working folder) and its permissions.",
  },
  FEED_NOT_ALLOWED: {
    meaning:
      'The feed is neither an http(s) URL nor a local file tidings may read: a file named by a request rather than FEED_URLS, or a redirect to another scheme.',
    fix: 'Use an http(s) URL; name a local file in FEED_URLS or with `tidings run --feed`.',
  },
  FEED_ADDRESS_REFUSED: {
    meaning:
      'A feed named in a request (or a redirect from it) leads to a loopback, private, link-local or metadata address, which only feeds in FEED_URLS may reach.',
    fix: 'Put the feed in FEED_URLS, or set FEED_ALLOW_PRIVATE=true where every such address is trusted.',
  },
  FEED_UNSAFE_XML: {
    meaning:
      'The document declares XML entities (<!ENTITY>), which tidings refuses, to prevent entity-expansion and external-entity attacks.',
    fix: "Ask the feed's publisher for a feed without a DTD, or drop this feed.",
  },
  FEED_MALFORMED: {
    meaning: 'The document is not well-formed XML or JSON; the message says where it breaks.',
    fix: "Check the feed in a validator (or `pnpm tidings parse --json <url>`); if the publisher's feed is broken, tell them.",
  },
  FEED_PARSE_TIMEOUT: {
    meaning: 'Parsing the document took too long: it is too large or too deeply nested to read.',
    fix: 'Use a smaller edition of the feed, or drop it.',
  },
  FEED_NOT_A_FEED: {
    meaning: 'The document is not an RSS, Atom or JSON Feed: an HTML page, or JSON of another kind.',
    fix: 'Find the feed\'s own URL (an HTML page usually links it as <link rel="alternate">) and use that.',
  },
} as const satisfies Record<string, ErrorCodeDoc>;

export type FeedErrorCode = keyof typeof FEED_ERROR_CODES;

/**
 * Why one feed could not be read; always names the feed, with any credentials in its URL
 * masked, since the message reaches logs and run reports.
 */
export class FeedError extends TidingsError {
  static readonly codes = FEED_ERROR_CODES;

  /** The message for the run report, which anyone with the dashboard reads. */
  readonly reportMessage: string;

  constructor(
    code: FeedErrorCode,
    feed: string,
    detail: string,
    options?: { cause?: unknown; status?: number; reportDetail?: string },
  ) {
    const shown = maskFeedUrl(feed);
    super(code, `${shown}: ${detail}`, { cause: options?.cause });
    this.feed = shown;
    this.status = options?.status;
    this.reportMessage = options?.reportDetail ? `${shown}: ${options.reportDetail}` : this.message;
  }
  readonly feed: string;
  readonly status: number | undefined;
  declare readonly code: FeedErrorCode;

  /** 4xx, malformed or unsafe documents will not get better by asking again. */
  get retryable(): boolean {
    return (
      this.code === 'FEED_TIMEOUT' ||
      this.code === 'FEED_NETWORK' ||
      (this.code === 'FEED_HTTP_STATUS' && (this.status ?? 0) >= 500)
    );
  }
}
