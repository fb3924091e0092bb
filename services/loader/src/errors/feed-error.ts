import { TidingsError } from '@tidings/contracts';

export type FeedErrorCode =
  | 'FEED_TIMEOUT'
  | 'FEED_NETWORK'
  | 'FEED_HTTP_STATUS'
  | 'FEED_TOO_LARGE'
  | 'FEED_TOO_MANY_REDIRECTS'
  | 'FEED_FILE_NOT_FOUND'
  | 'FEED_BAD_ENCODING'
  | 'FEED_UNSAFE_XML'
  | 'FEED_MALFORMED'
  | 'FEED_NOT_A_FEED';

/** Why one feed could not be read; always names the feed. */
export class FeedError extends TidingsError {
  constructor(
    code: FeedErrorCode,
    readonly feed: string,
    detail: string,
    options?: { cause?: unknown; status?: number },
  ) {
    super(code, `${feed}: ${detail}`, { cause: options?.cause });
    this.status = options?.status;
  }
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
