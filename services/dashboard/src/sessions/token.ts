import { createHash, timingSafeEqual } from 'node:crypto';

/** A digest of the dashboard token: what sessions store, so Redis never holds the token. */
export function tokenDigest(token: string): string {
  return createHash('sha256').update(`tidings-dashboard-token:${token}`).digest('hex');
}

/**
 * Compares digests of equal length in constant time, so neither the token's characters nor
 * its length can be learnt by timing failed attempts.
 */
export function tokenMatches(given: string, token: string): boolean {
  return digestsEqual(tokenDigest(given), tokenDigest(token));
}

export function digestsEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
