import { REPEATS } from './bench-setup.js';

export interface Stat {
  median: number;
  min: number;
  max: number;
}

export const stat = (xs: number[]): Stat => {
  const s = [...xs].sort((a, b) => a - b);
  return { median: s[Math.floor(s.length / 2)] ?? Number.NaN, min: s[0] ?? Number.NaN, max: s.at(-1) ?? Number.NaN };
};

export const fmt = (s: Stat, digits = 3) =>
  `${s.median.toFixed(digits)} (${s.min.toFixed(digits)}–${s.max.toFixed(digits)})`;

/** A premise of exactly `tokens` words from the bench vocabulary. */
export const benchPremise = (seed: number, tokens = 48) =>
  Array.from({ length: tokens }, (_, i) => `w${1000 + ((seed * 7919 + i * 104729) % 49000)}`).join(' ');

/** Seconds per call of `fn` on `repeats` different premises, after one warm-up call. */
export async function timeArticles(fn: (text: string) => Promise<unknown>, repeats = REPEATS): Promise<number[]> {
  await fn(benchPremise(0));
  const times: number[] = [];
  for (let r = 0; r < repeats; r++) {
    const t = performance.now();
    await fn(benchPremise(r + 1));
    times.push((performance.now() - t) / 1000);
  }
  return times;
}
