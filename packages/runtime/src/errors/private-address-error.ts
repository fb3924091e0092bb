import { TidingsError } from '@tidings/shared';

/** A URL given on someone's behalf (a subscriber's webhook) points at a host it may not reach. */
export class PrivateAddressError extends TidingsError {
  static readonly code = 'TIDINGS_PRIVATE_ADDRESS';
  static readonly meaning =
    "A URL given on someone's behalf (a subscriber's webhook, a feed named in a request) resolves to a loopback, private, link-local or metadata address, which tidings does not call for others; nothing was saved.";
  static readonly fix = 'Use a public address, or set FEED_ALLOW_PRIVATE=true where every such address is trusted.';

  constructor(shownUrl: string) {
    super(PrivateAddressError.code, `${shownUrl} resolves to a loopback, private, link-local or metadata address`, {
      fix: 'use a public address, or set FEED_ALLOW_PRIVATE=true where every such address is trusted',
    });
  }
}
