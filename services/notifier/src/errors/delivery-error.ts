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
  readonly status: number | undefined;
  readonly retryAfterMs: number | undefined;

  constructor(
    destination: string,
    detail: string,
    readonly retryable: boolean,
    options: DeliveryErrorOptions = {},
  ) {
    super('TIDINGS_DELIVERY_FAILED', `${destination}: ${detail}`, { cause: options.cause });
    this.status = options.status;
    this.retryAfterMs = options.retryAfterMs;
  }
}
