import { TidingsError } from '@tidings/shared';

/** A destination did not take a digest. Retryable failures are tried again with backoff. */
export class DeliveryError extends TidingsError {
  constructor(
    destination: string,
    detail: string,
    readonly retryable: boolean,
    options?: { cause?: unknown },
  ) {
    super('TIDINGS_DELIVERY_FAILED', `${destination}: ${detail}`, { cause: options?.cause });
  }
}
