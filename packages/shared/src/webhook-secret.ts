import { randomBytes } from 'node:crypto';

/** Standard Webhooks secrets: `whsec_` and the base64 of the key bytes. */
export const WEBHOOK_SECRET_PREFIX = 'whsec_';

const STANDARD_SECRET = /^whsec_[A-Za-z0-9+/]{22,}={0,2}$/;

/** A new signing secret of 24 random bytes, in the Standard Webhooks form. */
export function newWebhookSecret(): string {
  return `${WEBHOOK_SECRET_PREFIX}${randomBytes(24).toString('base64')}`;
}

export function isStandardWebhookSecret(secret: string): boolean {
  return STANDARD_SECRET.test(secret);
}

/**
 * The HMAC key bytes of a secret. A `whsec_` secret is the base64 of its key. Any other
 * string is a secret from before Standard Webhooks (a subscriber's 48 hex characters, an
 * operator's NOTIFY_WEBHOOK_SECRET): X-Tidings-Signature always used its UTF-8 bytes as the
 * key, so those bytes stay the key and existing receivers keep verifying.
 */
export function webhookKey(secret: string): Buffer {
  return isStandardWebhookSecret(secret)
    ? Buffer.from(secret.slice(WEBHOOK_SECRET_PREFIX.length), 'base64')
    : Buffer.from(secret, 'utf8');
}

/** Any secret in the Standard Webhooks form: an old secret's key bytes as `whsec_`, for a standard verifier. */
export function standardWebhookSecret(secret: string): string {
  return isStandardWebhookSecret(secret) ? secret : `${WEBHOOK_SECRET_PREFIX}${webhookKey(secret).toString('base64')}`;
}
