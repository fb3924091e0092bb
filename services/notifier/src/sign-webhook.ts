import { createHmac } from 'node:crypto';
import { webhookKey } from '@tidings/shared';

/**
 * `sha256=<hex HMAC-SHA256 of the raw body>`: the X-Tidings-Signature of earlier releases,
 * sent for one more release beside the standard headers (deprecated, docs/delivery.md).
 */
export function signBody(body: string, secret: string): string {
  return `sha256=${createHmac('sha256', webhookKey(secret)).update(body).digest('hex')}`;
}

/**
 * Standard Webhooks 1.0 `webhook-signature`: `v1,<base64 HMAC-SHA256 of id.timestamp.body>`
 * under each secret, space-separated, so a receiver holding either side of a rotation verifies.
 */
export function standardSignature(id: string, timestampS: number, body: string, secrets: string[]): string {
  return secrets
    .map(
      (secret) =>
        `v1,${createHmac('sha256', webhookKey(secret)).update(`${id}.${timestampS}.${body}`).digest('base64')}`,
    )
    .join(' ');
}

/**
 * The headers of one webhook delivery attempt. The id is the delivery id, the same on every
 * retry; the timestamp is this attempt's, so a receiver can refuse a replayed old delivery.
 */
export function webhookHeaders(
  id: string,
  body: string,
  secrets: string[],
  now: Date = new Date(),
): Record<string, string> {
  const timestampS = Math.floor(now.getTime() / 1000);
  const [first] = secrets;
  return {
    'webhook-id': id,
    'webhook-timestamp': String(timestampS),
    ...(secrets.length > 0 ? { 'webhook-signature': standardSignature(id, timestampS, body, secrets) } : {}),
    'x-tidings-delivery': id,
    'x-tidings-event': 'digest',
    ...(first ? { 'x-tidings-signature': signBody(body, first) } : {}),
  };
}
