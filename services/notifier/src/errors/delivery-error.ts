import { TidingsError } from '@tidings/shared';

export interface DeliveryErrorOptions {
  cause?: unknown;
  /** The HTTP status the destination answered, when it answered. */
  status?: number;
  /** How long the destination asked us to wait (Retry-After on a 429 or 503). */
  retryAfterMs?: number;
}

/** A destination did not take a digest. Retryable failures are tried again with backoff. */
export class DeliveryError extends TidingsError {
  static readonly code = 'TIDINGS_DELIVERY_FAILED';
  static readonly meaning =
    'A destination (email, a webhook, Slack, a WebSub hub) did not take a digest or a ping. Network errors, 5xx and 429 are tried again with backoff, NOTIFY_ATTEMPTS times in all; any other answer fails the delivery at once.';
  static readonly fix =
    'Check the destination the message names: its URL, its credentials (SMTP_URL), that it is up. A webhook that answered 410 Gone is disabled until its URL changes.';

  readonly status: number | undefined;
  readonly retryAfterMs: number | undefined;

  constructor(
    destination: string,
    detail: string,
    readonly retryable: boolean,
    options: DeliveryErrorOptions = {},
  ) {
    super(DeliveryError.code, `${destination}: ${detail}`, { cause: options.cause });
    this.status = options.status;
    this.retryAfterMs = options.retryAfterMs;
  }
}
