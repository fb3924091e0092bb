import { HostSlots, type RedisConnection } from '@tidings/runtime';
import { type KeySpaceSource, redactSecretUrl, redisKeys } from '@tidings/shared';
import { DestinationBusyError } from './errors/destination-busy-error.js';
import { DELIVERY_DEADLINE_MS } from './post-with-deadline.js';

/**
 * Deliveries in flight to one destination at once, across every notifier. One: a receiver
 * that stalls then holds one worker slot, whatever number of subscribers point at it.
 */
export const SENDERS_PER_DESTINATION = 1;

/**
 * How soon a delivery refused a slot asks again. Short, since a healthy receiver answers in
 * milliseconds and frees the slot long before its lease ends.
 */
const RETAKE_MS = 200;

/** A destination is a host and port: two receivers on one machine do not wait for each other. */
export function destinationOf(url: string): string {
  return new URL(url).host;
}

/** Per-destination slots in Redis (HostSlots); a lease outlives one attempt, so it is never cut short. */
export class DestinationSlots {
  private readonly slots: HostSlots;

  constructor(redis: RedisConnection, space: KeySpaceSource) {
    const keys = redisKeys(space);
    this.slots = new HostSlots(
      redis,
      { holders: keys.notifyHostSenders, next: keys.notifyHostNext },
      { slots: SENDERS_PER_DESTINATION, gapMs: 0, leaseMs: DELIVERY_DEADLINE_MS + 5_000, longestWaitMs: RETAKE_MS },
    );
  }

  /** Runs `send` holding the slot of `url`'s destination, or throws DestinationBusyError when it is taken. */
  async hold<T>(url: string, holder: string, send: () => Promise<T>): Promise<T> {
    const destination = destinationOf(url);
    const waitMs = await this.slots.take(destination, holder);
    if (waitMs > 0) throw new DestinationBusyError(redactSecretUrl(url), waitMs);
    try {
      return await send();
    } finally {
      await this.slots.release(destination, holder);
    }
  }
}
