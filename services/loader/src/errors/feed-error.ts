import { maskFeedUrl, TidingsError } from '@tidings/shared';

export type FeedErrorCode =
  | 'FEED_TIMEOUT'
  | 'FEED_NETWORK'
  | 'FEED_HTTP_STATUS'
  | 'FEED_TOO_LARGE'
  | 'FEED_TOO_MANY_REDIRECTS'
  | 'FEED_FILE_NOT_FOUND'
  | 'FEED_NOT_ALLOWED'
  | 'FEED_ADDRESS_REFUSED'
  | 'FEED_UNSAFE_XML'
  | 'FEED_MALFORMED'
  | 'FEED_PARSE_TIMEOUT'
  | 'FEED_NOT_A_FEED';

/**
 * Why one feed could not be read; always names the feed, with any credentials in its URL
 * masked, since the message reaches logs and run reports.
 */
export class FeedError extends TidingsError {
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
