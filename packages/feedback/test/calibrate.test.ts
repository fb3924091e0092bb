import { type FeedbackExample, feedbackExampleId, feedbackReaderId } from '@tidings/shared';
import { describe, expect, it } from 'vitest';
import { applyCalibration, type CalibrateOptions, calibrate, evaluateLabels, unreachableLabels } from '../src/index.js';

const LABELS = ['SEC', 'Stock', 'Other'];
const options: CalibrateOptions = {
  labels: LABELS,
  multiLabel: false,
  folds: 5,
  minVotes: 30,
  readerShare: 0.2,
  ownThreshold: 0.8,
};

/** Scores as the model's softmax gives them from entailment logits. */
function softmaxScores(logits: number[]): Record<string, number> {
  const exps = logits.map(Math.exp);
  const sum = exps.reduce((a, b) => a + b, 0);
  return Object.fromEntries(LABELS.map((l, i) => [l, (exps[i] ?? 0) / sum]));
}

/** A deterministic stream of numbers in [0, 1), so every run of the suite sees the same verdicts. */
function seeded(seed: number) {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    return s / 2 ** 31;
  };
}

function example(
  i: number,
  scores: Record<string, number>,
  truth: string,
  reader: string,
  source = 'import',
): FeedbackExample {
  const shown = Object.entries(scores).sort(([, a], [, b]) => b - a)[0]?.[0] ?? 'Other';
  return {
    id: feedbackExampleId(reader, `article-${i}`, 'label', shown),
    articleId: `a${i}`,
    title: `article ${i}`,
    summary: '',
    scores,
    source: source as FeedbackExample['source'],
    reader,
    at: new Date(Date.UTC(2026, 11, 1, 0, i)).toISOString(),
    kind: 'label',
    topic: shown,
    label: shown,
    verdict: { type: 'belongs-in', label: truth },
  };
}

const operator = feedbackReaderId('operator', 'ops');

/**
 * A model biased toward Stock the way the tiny model is ("trading" pulls SEC stories there):
 * every SEC story's Stock logit is one step above its SEC logit.
 */
function biasedSet(n: number, rand: () => number): FeedbackExample[] {
  return Array.from({ length: n }, (_, i) => {
    const kind = i % 3;
    const noise = rand() * 0.5;
    if (kind === 0) return example(i, softmaxScores([2 + noise, 4, 1]), 'SEC', operator);
    if (kind === 1) return example(i, softmaxScores([noise, 6, 1]), 'Stock', operator);
    return example(i, softmaxScores([noise, noise, 1]), 'Other', operator);
  });
}

describe('calibrate', () => {
  it('adopts offsets that fix a label bias, measured on held-out folds, and moves SEC stories back', () => {
    const outcome = calibrate(biasedSet(90, seeded(1)), options);
    const { labels } = outcome.calibration.report;
    expect(outcome.adopt).toBe(true);
    expect(labels.adopted).toBe(true);
    expect(labels.after.macroF1).toBeGreaterThan(labels.before.macroF1);
    expect(labels.after.accuracy).toBeGreaterThan(labels.before.accuracy);
    const sec = applyCalibration(softmaxScores([2.2, 4, 1]), outcome.calibration);
    expect(Object.entries(sec).sort(([, a], [, b]) => b - a)[0]?.[0]).toBe('SEC');
    const stock = applyCalibration(softmaxScores([0.2, 6, 1]), outcome.calibration);
    expect(Object.entries(stock).sort(([, a], [, b]) => b - a)[0]?.[0]).toBe('Stock');
  });

  it('refuses a calibration fitted to random verdicts, leaving the model as it is', () => {
    const rand = seeded(7);
    const noise = biasedSet(150, seeded(2)).map((e) =>
      e.kind === 'label'
        ? { ...e, verdict: { type: 'belongs-in' as const, label: LABELS[Math.floor(rand() * 3)] ?? 'SEC' } }
        : e,
    );
    const outcome = calibrate(noise, options);
    expect(outcome.adopt).toBe(false);
    expect(outcome.calibration.report.labels.reason).toMatch(/not clearly better/);
    expect(outcome.calibration.labelOffsets).toEqual({});
    expect(outcome.calibration.temperature).toBe(1);
  });

  it('gives one reader flooding votes no say on their own: their weight is capped to nothing', () => {
    const flood = biasedSet(200, seeded(3)).map((e) => ({
      ...e,
      source: 'api' as const,
      reader: feedbackReaderId('feed-key', 'flood'),
    }));
    const outcome = calibrate(flood, options);
    expect(outcome.adopt).toBe(false);
    expect(outcome.calibration.report.labels.reason).toMatch(
      /weigh 0\.0 after the per-reader cap, fewer than CALIBRATION_MIN_VOTES \(30\)/,
    );
  });

  it('refuses a calibration that would make a label unreachable', () => {
    // Readers say every story the model is sure is Stock belongs in SEC.
    const all = Array.from({ length: 120 }, (_, i) => example(i, softmaxScores([0, 8, 0]), 'SEC', operator));
    const outcome = calibrate(all, options);
    expect(outcome.adopt).toBe(false);
    expect(outcome.calibration.report.labels.reason).toMatch(/would make Stock(, Other)? unreachable/);
  });

  it('does not fit shared labels from fewer verdicts than CALIBRATION_MIN_VOTES', () => {
    const outcome = calibrate(biasedSet(12, seeded(4)), options);
    expect(outcome.adopt).toBe(false);
    expect(outcome.calibration.report.labels.reason).toMatch(/fewer than CALIBRATION_MIN_VOTES/);
  });
});

describe('applyCalibration and unreachableLabels', () => {
  it('returns the scores as they are without a calibration, and moves the top label with offsets', () => {
    const raw = softmaxScores([3, 4, 1]);
    expect(applyCalibration(raw, null)).toEqual(raw);
    const moved = applyCalibration(raw, { labelOffsets: { SEC: 2 }, temperature: 1 });
    expect(moved.SEC).toBeGreaterThan(moved.Stock ?? 1);
    expect(Object.values(moved).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 10);
  });

  it('names a label that a 0.99 score could no longer make the top one', () => {
    expect(unreachableLabels({ labelOffsets: { SEC: 0, Stock: -9, Other: 0 }, temperature: 1 }, LABELS)).toEqual([
      'Stock',
    ]);
    expect(unreachableLabels({ labelOffsets: { SEC: 2, Stock: -2, Other: 0 }, temperature: 1 }, LABELS)).toEqual([]);
  });
});

describe('evaluateLabels', () => {
  it('computes per-label precision, recall, F1, macro-F1, the confusion matrix and ECE', () => {
    const p = (truth: string, top: string, score: number) => ({
      truth,
      scores: Object.fromEntries(LABELS.map((l) => [l, l === top ? score : (1 - score) / 2])),
    });
    const report = evaluateLabels(
      [p('SEC', 'SEC', 0.9), p('SEC', 'Stock', 0.9), p('Stock', 'Stock', 0.9), p('Stock', 'Stock', 0.9)],
      LABELS,
    );
    expect(report.labels).toEqual(['SEC', 'Stock']);
    expect(report.confusion).toEqual([
      [1, 1],
      [0, 2],
    ]);
    expect(report.perLabel[0]).toMatchObject({ label: 'SEC', precision: 1, recall: 0.5, support: 2 });
    expect(report.perLabel[1]).toMatchObject({ label: 'Stock', precision: 2 / 3, recall: 1 });
    expect(report.macroF1).toBeCloseTo((2 / 3 + 0.8) / 2, 10);
    expect(report.accuracy).toBe(0.75);
    // Every answer at 0.9 confidence, three of four right: |0.9 − 0.75|.
    expect(report.ece).toBeCloseTo(0.15, 10);
  });
});
