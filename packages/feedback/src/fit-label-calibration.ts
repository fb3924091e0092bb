import type { LabelCalibration } from './apply-calibration.js';

/** A verdict on a shared label as the fit reads it: the right label, or a label it is not. */
export interface LabelVote {
  /** The raw scores, one per configured label. */
  scores: Record<string, number>;
  verdict: { type: 'belongs-in'; label: string } | { type: 'not-about'; label: string };
  weight: number;
}

// Keeps offsets finite where the verdicts alone would push one without bound (a label no
// verdict confirms); small enough not to hold back an offset the verdicts agree on.
const L2 = 1e-3;
const STEPS = 300;
const LEARNING_RATE = 0.05;
const FLOOR = 1e-12;

/**
 * One offset per label on the log-scores and one temperature, minimising the weighted
 * negative log-likelihood of the verdicts (−log q(label) for "belongs in", −log(1 − q(label))
 * for "not about"), q = softmax((log p + offset) / temperature), by Adam on the offsets and
 * the log of the temperature. No model pass: only the stored scores.
 */
export function fitLabelCalibration(votes: LabelVote[], labels: string[]): LabelCalibration {
  const k = labels.length;
  const index = new Map(labels.map((l, i) => [l, i]));
  const usable = votes.filter((v) => v.weight > 0 && index.has(v.verdict.label));
  const logs = usable.map((v) => Float64Array.from(labels, (l) => Math.log(Math.max(v.scores[l] ?? 0, FLOOR))));
  const targets = usable.map((v) => index.get(v.verdict.label) ?? 0);
  const total = usable.reduce((a, v) => a + v.weight, 0);
  const params = new Float64Array(k + 1); // offsets, then log temperature
  if (total === 0) return { labelOffsets: {}, temperature: 1 };
  const m = new Float64Array(k + 1);
  const s = new Float64Array(k + 1);
  const z = new Float64Array(k);
  const q = new Float64Array(k);
  const grad = new Float64Array(k + 1);
  for (let step = 1; step <= STEPS; step++) {
    grad.fill(0);
    const t = Math.exp(params[k] ?? 0);
    for (let i = 0; i < usable.length; i++) {
      const log = logs[i] as Float64Array;
      const vote = usable[i] as LabelVote;
      const target = targets[i] as number;
      let max = Number.NEGATIVE_INFINITY;
      for (let l = 0; l < k; l++) {
        z[l] = ((log[l] ?? 0) + (params[l] ?? 0)) / t;
        if ((z[l] ?? 0) > max) max = z[l] ?? 0;
      }
      let sum = 0;
      for (let l = 0; l < k; l++) {
        const e = Math.exp((z[l] ?? 0) - max);
        q[l] = e;
        sum += e;
      }
      for (let l = 0; l < k; l++) q[l] = (q[l] ?? 0) / sum;
      const qTarget = q[target] ?? 0;
      // dLoss/dz_l: q_l − [l = target] for "belongs in"; q_t (1[l = t] − q_l) / (1 − q_t) for "not about".
      const w = vote.weight / total;
      const notAbout = vote.verdict.type === 'not-about';
      const factor = notAbout ? qTarget / Math.max(1 - qTarget, FLOOR) : 1;
      for (let l = 0; l < k; l++) {
        const ql = q[l] ?? 0;
        const hit = l === target ? 1 : 0;
        const dz = notAbout ? factor * (hit - ql) : ql - hit;
        grad[l] = (grad[l] ?? 0) + (w * dz) / t;
        grad[k] = (grad[k] ?? 0) - w * dz * (z[l] ?? 0);
      }
    }
    for (let j = 0; j <= k; j++) {
      const g = (grad[j] ?? 0) + (j < k ? 2 * L2 * (params[j] ?? 0) : 0);
      m[j] = 0.9 * (m[j] ?? 0) + 0.1 * g;
      s[j] = 0.999 * (s[j] ?? 0) + 0.001 * g * g;
      const mHat = (m[j] ?? 0) / (1 - 0.9 ** step);
      const sHat = (s[j] ?? 0) / (1 - 0.999 ** step);
      params[j] = (params[j] ?? 0) - (LEARNING_RATE * mHat) / (Math.sqrt(sHat) + 1e-8);
    }
  }
  const mean = labels.reduce((a, _, l) => a + (params[l] ?? 0), 0) / k;
  return {
    labelOffsets: Object.fromEntries(labels.map((l, i) => [l, round((params[i] ?? 0) - mean)])),
    temperature: round(Math.exp(params[k] ?? 0)),
  };
}

// Six decimals: the calibration's id hashes these, and noise below them must not make a new version.
const round = (x: number) => Math.round(x * 1e6) / 1e6;

/**
 * Labels a calibration would make unreachable: one the model scores 0.99 (the rest sharing
 * 0.01) that still loses to another label after the offsets.
 */
export function unreachableLabels(calibration: LabelCalibration, labels: string[]): string[] {
  if (labels.length < 2) return [];
  const gap = Math.log(0.99) - Math.log(0.01 / (labels.length - 1));
  const offset = (l: string) => calibration.labelOffsets[l] ?? 0;
  const highest = (except: string) => Math.max(...labels.filter((l) => l !== except).map(offset));
  return labels.filter((l) => offset(l) + gap <= highest(l));
}
