import type { EvaluationSummary } from '@tidings/shared';
import { topLabel } from './apply-calibration.js';

/** One classified example whose right label is known. */
export interface LabelledPrediction {
  truth: string;
  scores: Record<string, number>;
}

export interface LabelMetrics {
  label: string;
  precision: number;
  recall: number;
  f1: number;
  /** Examples whose right label this is. */
  support: number;
}

export interface LabelEvaluation extends EvaluationSummary {
  perLabel: LabelMetrics[];
  /** confusion[i][j]: examples of labels[i] classified as labels[j]. */
  labels: string[];
  confusion: number[][];
}

const BINS = 10;
// Keeps the log of a score the model rounded to 0 finite; it still costs about 28 nats.
const FLOOR = 1e-12;

const f1Of = (precision: number, recall: number) =>
  precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);

/**
 * Expected calibration error: the confidences put in 10 equal-width bins, and the gap between
 * each bin's mean confidence and its share of right answers, weighted by the bin's size.
 */
export function expectedCalibrationError(confidence: number[], correct: boolean[]): number {
  if (confidence.length === 0) return 0;
  const sums = Array.from({ length: BINS }, () => ({ n: 0, confidence: 0, correct: 0 }));
  confidence.forEach((c, i) => {
    const bin = sums[Math.min(BINS - 1, Math.floor(c * BINS))];
    if (!bin) return;
    bin.n++;
    bin.confidence += c;
    bin.correct += correct[i] ? 1 : 0;
  });
  return sums.reduce(
    (ece, b) => (b.n === 0 ? ece : ece + (b.n / confidence.length) * Math.abs(b.confidence / b.n - b.correct / b.n)),
    0,
  );
}

/**
 * Per-label precision, recall and F1, macro-F1 (over the labels that were right or guessed at
 * least once), accuracy, the confusion matrix, the ECE of the top score and the mean
 * negative log-likelihood of the right labels.
 */
export function evaluateLabels(predictions: LabelledPrediction[], labelOrder: string[]): LabelEvaluation {
  const seen = new Set<string>();
  const predicted = predictions.map((p) => topLabel(p.scores));
  predictions.forEach((p, i) => {
    seen.add(p.truth);
    seen.add(predicted[i]?.label ?? '');
  });
  const labels = [...labelOrder.filter((l) => seen.has(l)), ...[...seen].filter((l) => l && !labelOrder.includes(l))];
  const index = new Map(labels.map((l, i) => [l, i]));
  const confusion = labels.map(() => labels.map(() => 0));
  let right = 0;
  let nll = 0;
  predictions.forEach((p, i) => {
    const guess = predicted[i]?.label ?? '';
    const row = confusion[index.get(p.truth) ?? -1];
    const col = index.get(guess);
    if (row && col !== undefined) row[col] = (row[col] ?? 0) + 1;
    if (guess === p.truth) right++;
    nll -= Math.log(Math.max(p.scores[p.truth] ?? 0, FLOOR));
  });
  const perLabel = labels.map((label, i) => {
    const tp = confusion[i]?.[i] ?? 0;
    const support = (confusion[i] ?? []).reduce((a, b) => a + b, 0);
    const guessed = confusion.reduce((a, row) => a + (row[i] ?? 0), 0);
    const precision = guessed === 0 ? 0 : tp / guessed;
    const recall = support === 0 ? 0 : tp / support;
    return { label, precision, recall, f1: f1Of(precision, recall), support };
  });
  const n = predictions.length;
  return {
    examples: n,
    macroF1: perLabel.length === 0 ? 0 : perLabel.reduce((a, m) => a + m.f1, 0) / perLabel.length,
    accuracy: n === 0 ? 0 : right / n,
    ece: expectedCalibrationError(
      predicted.map((p) => p.score),
      predictions.map((p, i) => predicted[i]?.label === p.truth),
    ),
    nll: n === 0 ? 0 : nll / n,
    perLabel,
    labels,
    confusion,
  };
}

/** One own-topic verdict: was the article relevant, its score, and the threshold it was held to. */
export interface OwnPrediction {
  relevant: boolean;
  score: number;
  threshold: number;
}

/**
 * Own-topic decisions (a match at score ≥ threshold) against the verdicts: F1 of "matches",
 * as macroF1 over the two answers, accuracy, and the ECE of the score read as a probability.
 */
export function evaluateOwn(predictions: OwnPrediction[]): EvaluationSummary {
  const count = (f: (p: OwnPrediction) => boolean) => predictions.filter(f).length;
  const matched = (p: OwnPrediction) => p.score >= p.threshold;
  const tp = count((p) => matched(p) && p.relevant);
  const tn = count((p) => !matched(p) && !p.relevant);
  const fp = count((p) => matched(p) && !p.relevant);
  const fn = count((p) => !matched(p) && p.relevant);
  const f1 = (t: number, falsePos: number, falseNeg: number) =>
    f1Of(t + falsePos === 0 ? 0 : t / (t + falsePos), t + falseNeg === 0 ? 0 : t / (t + falseNeg));
  const n = predictions.length;
  const nll = predictions.reduce((a, p) => a - Math.log(Math.max(p.relevant ? p.score : 1 - p.score, FLOOR)), 0);
  return {
    examples: n,
    macroF1: n === 0 ? 0 : (f1(tp, fp, fn) + f1(tn, fn, fp)) / 2,
    accuracy: n === 0 ? 0 : (tp + tn) / n,
    ece: expectedCalibrationError(
      predictions.map((p) => p.score),
      predictions.map((p) => p.relevant),
    ),
    nll: n === 0 ? 0 : nll / n,
  };
}
