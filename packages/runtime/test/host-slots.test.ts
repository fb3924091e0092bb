import { testPrefix, testRedis } from '@tidings/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { HostSlots } from '../src/host-slots.js';

const redis = testRedis();
afterAll(() => redis.quit());

describe('HostSlots', () => {
  const slots = (options: { slots: number; gapMs: number; leaseMs: number; longestWaitMs?: number }) => {
    const prefix = testPrefix();
    const keys = { holders: (h: string) => `${prefix}:h:${h}`, next: (h: string) => `${prefix}:n:${h}` };
    return new HostSlots(redis, keys, options);
  };

  it('lets `slots` holders at a host at once; the next waits, never longer than it is told, until one leaves', async () => {
    const host = slots({ slots: 2, gapMs: 0, leaseMs: 60_000, longestWaitMs: 200 });
    expect(await host.take('a.example', 'h1')).toBe(0);
    expect(await host.take('a.example', 'h2')).toBe(0);
    expect(await host.take('a.example', 'h3')).toBe(200);
    expect(await host.take('b.example', 'h3')).toBe(0);
    await host.release('a.example', 'h1');
    expect(await host.take('a.example', 'h3')).toBe(0);
  });

  it('spaces starts at a host by the gap', async () => {
    const host = slots({ slots: 5, gapMs: 1_000, leaseMs: 60_000 });
    const now = Date.now();
    expect(await host.take('gap.example', 'h1', now)).toBe(0);
    expect(await host.take('gap.example', 'h2', now + 400)).toBe(600);
    expect(await host.take('gap.example', 'h2', now + 1_000)).toBe(0);
  });

  it('frees the slot of a holder that died holding it once its lease ends', async () => {
    const host = slots({ slots: 1, gapMs: 0, leaseMs: 200 });
    const now = Date.now();
    expect(await host.take('dead.example', 'killed', now)).toBe(0);
    expect(await host.take('dead.example', 'next', now + 100)).toBeGreaterThan(0);
    expect(await host.take('dead.example', 'next', now + 250)).toBe(0);
  });
});
