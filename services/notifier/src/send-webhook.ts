import type { AddressPolicy } from '@tidings/runtime';
import { redactSecretUrl } from '@tidings/shared';
import { DeliveryError } from './errors/delivery-error.js';
import { postWithDeadline } from './post-with-deadline.js';
import { parseRetryAfter } from './retry-delay.js';

export interface PostOptions {
  headers?: Record<string, string>;
  /** Default application/json. */
  contentType?: string;
  /** The whole attempt (DELIVERY_DEADLINE_MS unless told otherwise). */
  deadlineMs?: number;
  addressPolicy?: AddressPolicy;
}

/** The most of a refusal's body quoted in the error: enough for Slack's `invalid_blocks`. */
const QUOTED_CHARS = 120;

/** What a receiver said beside a refusal, as one short line of text. */
function reason(body: Buffer): string {
  const text = body
    .toString('utf8')
    .replace(/[\p{Cc}\p{Cf}\s]+/gu, ' ')
    .trim();
  return text ? ` (${JSON.stringify(text.slice(0, QUOTED_CHARS))})` : '';
}

/**
 * POSTs a body (JSON unless told otherwise). A 2xx is delivered; 408, 429, 5xx and no answer
 * within the deadline are worth another try, after the Retry-After a 429 or 503 names; any
 * other answer (410 Gone among them), or an address the URL may not reach, will not change by
 * asking again. Redirects are not followed: a webhook that moved must be updated, not chased.
 */
export async function postBody(url: string, body: string, options: PostOptions = {}): Promise<number> {
  const answer = await postWithDeadline(url, body, {
    headers: {
      'content-type': options.contentType ?? 'application/json',
      'content-length': Buffer.byteLength(body),
      'user-agent': 'tidings-notifier',
      ...options.headers,
    },
    ...(options.deadlineMs === undefined ? {} : { deadlineMs: options.deadlineMs }),
    ...(options.addressPolicy ? { addressPolicy: options.addressPolicy } : {}),
  });
  const { status } = answer;
  if (status >= 200 && status < 300) return status;
  const retryable = status === 408 || status === 429 || status >= 500;
  const header = answer.headers['retry-after'];
  const retryAfterMs = status === 429 || status === 503 ? parseRetryAfter(header) : undefined;
  throw new DeliveryError(redactSecretUrl(url), `answered HTTP ${status}${reason(answer.body)}`, retryable, {
    status,
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
  });
}
