/** An example's reader, and whether it is the operator's own labelled file (trusted as it is). */
export interface WeightedVoter {
  reader: string;
  trusted: boolean;
}

/**
 * A weight per example so that no reader carries more than `share` of the total weight:
 * each untrusted reader's examples share at most `cap` = share × total, the cap found by
 * bisection (the total shrinks as readers are capped). Trusted examples weigh 1 each and
 * count in the total. With a single untrusted reader and nothing else their weight goes to 0:
 * one reader cannot move a calibration alone.
 */
export function readerWeights(voters: WeightedVoter[], share: number): number[] {
  const perReader = new Map<string, number>();
  let trusted = 0;
  for (const v of voters) {
    if (v.trusted) trusted++;
    else perReader.set(v.reader, (perReader.get(v.reader) ?? 0) + 1);
  }
  const counts = [...perReader.values()];
  const surplus = (cap: number) => share * (trusted + counts.reduce((a, n) => a + Math.min(n, cap), 0)) - cap;
  let lo = 0;
  let hi = Math.max(0, ...counts);
  if (surplus(hi) >= 0) lo = hi;
  else {
    for (let i = 0; i < 60; i++) {
      const mid = (lo + hi) / 2;
      if (surplus(mid) >= 0) lo = mid;
      else hi = mid;
    }
  }
  return voters.map((v) => {
    if (v.trusted) return 1;
    const n = perReader.get(v.reader) ?? 1;
    return Math.min(n, lo) / n;
  });
}
