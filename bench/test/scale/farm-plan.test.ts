import { describe, expect, it } from 'vitest';
import { hostAddress, kindOf, planFarm } from '../../src/scale/farm-plan.js';

describe('planFarm', () => {
  it('puts every requested article in a working feed, none in a failing one', () => {
    for (const [feeds, articles] of [
      [1, 100],
      [10, 1000],
      [100, 5000],
      [1000, 10000],
      [100, 50000],
    ] as const) {
      const plan = planFarm(feeds, articles);
      expect(plan.feeds).toHaveLength(feeds);
      expect(plan.feeds.reduce((n, f) => n + f.items, 0)).toBe(articles);
      for (const f of plan.feeds) {
        if (f.kind === 'ok' || f.kind === 'slow') expect(f.items).toBeGreaterThan(0);
        else expect(f.items).toBe(0);
      }
    }
  });

  it('spreads feeds over several loopback hosts, each host with its own share', () => {
    const plan = planFarm(100, 5000);
    expect(plan.hosts).toBe(8);
    const perHost = new Map<number, number>();
    for (const f of plan.feeds) perHost.set(f.host, (perHost.get(f.host) ?? 0) + 1);
    expect([...perHost.keys()].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(Math.max(...perHost.values()) - Math.min(...perHost.values())).toBeLessThanOrEqual(1);
    expect(hostAddress(0)).toBe('127.0.0.2');
    expect(hostAddress(7)).toBe('127.0.0.9');
  });

  it('makes one host slow and some feeds fail in every way a feed fails', () => {
    const kinds = planFarm(1000, 10000).feeds.map((f) => f.kind);
    expect(kinds.filter((k) => k === 'error-500')).toHaveLength(20);
    expect(kinds.filter((k) => k === 'malformed')).toHaveLength(20);
    expect(kinds.filter((k) => k === 'timeout')).toHaveLength(10);
    const slow = planFarm(1000, 10000).feeds.filter((f) => f.kind === 'slow');
    expect(slow.length).toBeGreaterThan(100);
    expect(new Set(slow.map((f) => f.host))).toEqual(new Set([0]));
  });

  it('gives a single feed all the articles, and it works', () => {
    expect(planFarm(1, 100).feeds).toEqual([{ host: 0, path: '/r/feed-0000.xml', kind: 'ok', items: 100 }]);
    expect(kindOf(0, 1, 1)).toBe('ok');
  });

  it('names the rows apart, so one row never sees another row’s articles as already seen', () => {
    expect(planFarm(10, 100, { tag: 'a' }).feeds[0]?.path).not.toBe(planFarm(10, 100, { tag: 'b' }).feeds[0]?.path);
  });

  it('refuses a plan it cannot fill', () => {
    expect(() => planFarm(0, 10)).toThrow(/feeds/);
    expect(() => planFarm(1000, 10)).toThrow(/cannot fill/);
  });
});
