import { describe, expect, it } from 'vitest';
import { decadeBounds, decades, logLogChart, logScale } from '../../src/scale/chart.js';
import { describeSlope, logLogSlope } from '../../src/scale/slope.js';

describe('logLogSlope', () => {
  it('finds 1 for a cost that grows with the work, 0 for a flat one, 2 for a quadratic one', () => {
    const xs = [100, 1000, 5000, 50000];
    expect(logLogSlope(xs.map((x) => ({ x, y: 0.002 * x })))).toBeCloseTo(1, 10);
    expect(logLogSlope(xs.map((x) => ({ x, y: 120 })))).toBeCloseTo(0, 10);
    expect(logLogSlope(xs.map((x) => ({ x, y: x * x })))).toBeCloseTo(2, 10);
  });

  it('fits the least-squares line through noisy points', () => {
    // log10 y = 0, 1.5, 2 at log10 x = 0, 1, 2: slope (by least squares) is 1.
    expect(
      logLogSlope([
        { x: 1, y: 1 },
        { x: 10, y: 10 ** 1.5 },
        { x: 100, y: 100 },
      ]),
    ).toBeCloseTo(1, 10);
  });

  it('leaves out what cannot be logged and has no slope from one point', () => {
    expect(
      logLogSlope([
        { x: 10, y: 10 },
        { x: 100, y: Number.NaN },
        { x: 1000, y: 0 },
      ]),
    ).toBeNull();
    expect(describeSlope(null)).toBe('n/a');
    expect(describeSlope(1.04)).toBe('1.04 (linear)');
    expect(describeSlope(0.05)).toBe('0.05 (flat)');
    expect(describeSlope(1.6)).toBe('1.60 (super-linear)');
  });
});

describe('log-log chart scaling', () => {
  it('maps each decade to an equal distance', () => {
    const x = logScale(10, 10000, 0, 300);
    expect(x(10)).toBeCloseTo(0);
    expect(x(100)).toBeCloseTo(100);
    expect(x(1000)).toBeCloseTo(200);
    expect(x(10000)).toBeCloseTo(300);
    expect(logScale(5, 5, 0, 300)(5)).toBe(150);
  });

  it('runs the axis from the power of ten below the data to the one above', () => {
    expect(decadeBounds(20, 5000)).toEqual({ lo: 10, hi: 10000 });
    expect(decadeBounds(100, 100)).toEqual({ lo: 100, hi: 1000 });
    expect(decadeBounds(0.3, 0.7)).toEqual({ lo: 0.1, hi: 1 });
    expect(decades(10, 10000)).toEqual([10, 100, 1000, 10000]);
    expect(decades(0.1, 1)).toEqual([0.1, 1]);
  });

  it('draws every point of every series inside its panel', () => {
    const svg = logLogChart([
      {
        title: 'wall time',
        xLabel: 'articles',
        yLabel: 'seconds',
        series: [
          {
            name: 'a & b',
            points: [
              { x: 100, y: 1 },
              { x: 1000, y: 8 },
            ],
          },
          { name: 'c', points: [{ x: 50000, y: 300 }] },
        ],
      },
    ]);
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('<title>wall time</title>');
    expect(svg.match(/<circle /g)).toHaveLength(3);
    expect(svg).toContain('a &amp; b');
    for (const [, cx, cy] of svg.matchAll(/<circle cx="([\d.]+)" cy="([\d.]+)"/g)) {
      expect(Number(cx)).toBeGreaterThanOrEqual(56);
      expect(Number(cx)).toBeLessThanOrEqual(360);
      expect(Number(cy)).toBeGreaterThanOrEqual(28);
      expect(Number(cy)).toBeLessThanOrEqual(280);
    }
  });
});
