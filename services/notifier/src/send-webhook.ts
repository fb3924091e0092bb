import { createHmac } from 'node:crypto';
import { redactSecretUrl } from '@tidings/contracts';
import { DeliveryError } from './errors/delivery-error.js';

/** `sha256=<hex HMAC-SHA256 of the raw body>`, the way GitHub and Stripe sign their webhooks. */
export function signBody(body: string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

export interface PostOptions {
  headers?: Record<string, string>;
  timeoutMs?: number;
}

/**
 * POSTs a JSON body. A 2xx is delivered; 408, 429, 5xx and network errors are worth another
 * try; any other answer will not change by asking again. Redirects are not followed: a
 * webhook that moved must be updated, not chased to wherever it points.
 */
export async function postJson(url: string, body: string, options: PostOptions = {}): Promise<number> {
  const shown = redactSecretUrl(url);
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      body,
      redirect: 'manual',
      headers: { 'content-type': 'application/json', 'user-agent': 'tidings-notifier', ...options.headers },
      signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
    });
  } catch (err) {
    const cause = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).name;
    throw new DeliveryError(shown, `no answer (${cause})`, true, { cause: err });
  }
  await response.body?.cancel();
  if (response.ok) return response.status;
  const retryable = response.status === 408 || response.status === 429 || response.status >= 500;
  throw new DeliveryError(shown, `answered HTTP ${response.status}`, retryable);
}
