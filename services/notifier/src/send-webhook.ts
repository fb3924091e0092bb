import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { type AddressPolicy, AddressRefused, guardedLookup } from '@tidings/runtime';
import { redactSecretUrl } from '@tidings/shared';
import { DeliveryError } from './errors/delivery-error.js';
import { parseRetryAfter } from './retry-delay.js';

export interface PostOptions {
  headers?: Record<string, string>;
  /** Default application/json. */
  contentType?: string;
  timeoutMs?: number;
  /**
   * Addresses this URL may not reach (a subscriber's webhook: no private addresses), checked
   * when the socket connects; unset for URLs the operator named.
   */
  addressPolicy?: AddressPolicy;
}

/**
 * POSTs a body (JSON unless told otherwise). A 2xx is delivered; 408, 429, 5xx and network
 * errors are worth another try, after the Retry-After a 429 or 503 names; any other answer
 * (410 Gone among them), or an address the URL may not reach, will not change by asking
 * again. Redirects are not followed: a webhook that moved must be updated, not chased.
 */
export async function postJson(url: string, body: string, options: PostOptions = {}): Promise<number> {
  const shown = redactSecretUrl(url);
  const target = new URL(url);
  const literal = target.hostname.replace(/^\[|\]$/g, '');
  // Node skips the lookup for an IP written in the URL, so that case is checked here.
  if (options.addressPolicy && net.isIP(literal) !== 0 && options.addressPolicy(literal) !== undefined) {
    throw new DeliveryError(shown, 'points at a loopback, private, link-local or metadata address', false);
  }
  const client = target.protocol === 'https:' ? https : http;
  return await new Promise<number>((resolve, reject) => {
    const request = client.request(
      target,
      {
        method: 'POST',
        headers: {
          'content-type': options.contentType ?? 'application/json',
          'content-length': Buffer.byteLength(body),
          'user-agent': 'tidings-notifier',
          ...options.headers,
        },
        timeout: options.timeoutMs ?? 10_000,
        agent: false,
        ...(options.addressPolicy ? { lookup: guardedLookup(options.addressPolicy) } : {}),
      },
      (response) => {
        response.resume();
        const status = response.statusCode ?? 0;
        if (status >= 200 && status < 300) return resolve(status);
        const retryable = status === 408 || status === 429 || status >= 500;
        const header = response.headers['retry-after'];
        const retryAfterMs = status === 429 || status === 503 ? parseRetryAfter(header) : undefined;
        reject(
          new DeliveryError(shown, `answered HTTP ${status}`, retryable, {
            status,
            ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
          }),
        );
      },
    );
    request.on('timeout', () => request.destroy(new Error('timed out')));
    request.on('error', (err: NodeJS.ErrnoException) => {
      if (err instanceof AddressRefused || err.code === 'EADDRREFUSED') {
        reject(new DeliveryError(shown, 'resolves to a loopback, private, link-local or metadata address', false));
      } else reject(new DeliveryError(shown, `no answer (${err.code ?? err.message})`, true, { cause: err }));
    });
    request.end(body);
  });
}
