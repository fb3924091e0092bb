import { type Subscription, SubscriptionSchema } from '@tidings/shared';

/** A record exactly as Redis holds it, and the subscription it is (null when it is not one). */
export interface StoredRecord {
  raw: Buffer;
  subscription: Subscription | null;
}

/** A record that is not JSON, or not a subscription, is treated as no subscription at all. */
export function readRecord(raw: Buffer): StoredRecord {
  let value: unknown;
  try {
    value = JSON.parse(raw.toString('utf8'));
  } catch {
    return { raw, subscription: null };
  }
  const parsed = SubscriptionSchema.safeParse(value);
  return { raw, subscription: parsed.success ? parsed.data : null };
}
