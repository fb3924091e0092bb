import { testPrefix, testRedis } from '@tidings/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { DestinationSlots } from '../src/destination-slots.js';
import { DestinationBusyError } from '../src/errors/destination-busy-error.js';

const redis = testRedis();
afterAll(() => redis.quit());

const refusal = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (err: unknown) => err,
  );

describe('one delivery at a time to a destination', () => {
  it('turns a second delivery to a busy destination away for a moment, lets other destinations through, and frees the slot when the first ends', async () => {
    const slots = new DestinationSlots(redis, testPrefix());
    let finish = () => {};
    let started = () => {};
    const sending = new Promise<void>((resolve) => (started = resolve));
    const first = slots.hold('https://hooks.example/a/secret', 'run-1.webhook.a', async () => {
      started();
      await new Promise<void>((resolve) => (finish = resolve));
      return 'first';
    });
    await sending;

    const busy = await refusal(slots.hold('https://hooks.example/b', 'run-1.webhook.b', async () => 'second'));
    expect(busy).toBeInstanceOf(DestinationBusyError);
    expect((busy as DestinationBusyError).waitMs).toBeGreaterThan(0);
    expect((busy as DestinationBusyError).waitMs).toBeLessThanOrEqual(200);
    expect((busy as Error).message).not.toContain('/b');
    // Another port is another receiver, and another host never waits for this one.
    expect(await slots.hold('https://hooks.example:8443/a', 'run-1.webhook.c', async () => 'port')).toBe('port');
    expect(await slots.hold('https://other.example/a', 'run-1.webhook.d', async () => 'host')).toBe('host');

    finish();
    expect(await first).toBe('first');
    expect(await slots.hold('https://hooks.example/b', 'run-1.webhook.b', async () => 'second')).toBe('second');
  });

  it('frees the slot of a delivery that failed', async () => {
    const slots = new DestinationSlots(redis, testPrefix());
    const failed = await refusal(
      slots.hold('https://hooks.example/a', 'run-1.webhook.a', async () => {
        throw new Error('answered HTTP 503');
      }),
    );
    expect((failed as Error).message).toBe('answered HTTP 503');
    expect(await slots.hold('https://hooks.example/a', 'run-1.webhook.b', async () => 'next')).toBe('next');
  });
});
