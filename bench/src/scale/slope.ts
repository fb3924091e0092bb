export interface Point {
  x: number;
  y: number;
}

/**
 * The least-squares slope of log(y) against log(x): how a cost grows with the work. 1 is
 * linear, 0 flat, 2 quadratic. Points that cannot be logged (≤ 0, NaN) are left out; with
 * fewer than two distinct x left there is no slope (null).
 */
export function logLogSlope(points: Point[]): number | null {
  const usable = points
    .filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y) && p.x > 0 && p.y > 0)
    .map((p) => ({ x: Math.log(p.x), y: Math.log(p.y) }));
  if (new Set(usable.map((p) => p.x)).size < 2) return null;
  const n = usable.length;
  const mx = usable.reduce((s, p) => s + p.x, 0) / n;
  const my = usable.reduce((s, p) => s + p.y, 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (const p of usable) {
    sxy += (p.x - mx) * (p.y - my);
    sxx += (p.x - mx) ** 2;
  }
  return sxy / sxx;
}

/** "1.02 (linear)": a slope with what it means, for the docs. */
export function describeSlope(slope: number | null): string {
  if (slope === null) return 'n/a';
  const kind = slope < 0.2 ? 'flat' : slope < 0.85 ? 'sub-linear' : slope <= 1.15 ? 'linear' : 'super-linear';
  return `${slope.toFixed(2)} (${kind})`;
}
