import { createHash } from 'node:crypto';
import {
  type Calibration,
  type CalibrationVerdict,
  type Config,
  calibrationId,
  type EvaluationSummary,
  type FeedbackExample,
  type LabelFeedbackExample,
  type OwnFeedbackExample,
  type OwnThreshold,
} from '@tidings/shared';
import { applyCalibration, type LabelCalibration, ownTopicThreshold, topLabel } from './apply-calibration.js';
import { evaluateLabels, evaluateOwn } from './evaluation-metrics.js';
import { fitLabelCalibration, type LabelVote, unreachableLabels } from './fit-label-calibration.js';
import { fitOwnThresholds, type OwnVote } from './fit-own-thresholds.js';
import { readerWeights } from './reader-weights.js';

export interface CalibrateOptions {
  /** The configured labels, in order. */
  labels: string[];
  multiLabel: boolean;
  /** CALIBRATION_FOLDS */
  folds: number;
  /** CALIBRATION_MIN_VOTES: fewest shared-label verdicts before offsets are fitted. */
  minVotes: number;
  /** CALIBRATION_READER_SHARE */
  readerShare: number;
  /** OWN_TOPIC_THRESHOLD: what own-topic thresholds are shrunk toward. */
  ownThreshold: number;
  now?: Date;
}

/** The options as configured (config.feedback, the labels, OWN_TOPIC_THRESHOLD). */
export function calibrateOptions(config: Pick<Config, 'feedback' | 'zeroShot' | 'ownTopics'>): CalibrateOptions {
  return {
    labels: config.zeroShot.labels,
    multiLabel: config.zeroShot.multiLabel,
    folds: config.feedback.folds,
    minVotes: config.feedback.minVotes,
    readerShare: config.feedback.readerShare,
    ownThreshold: config.ownTopics.threshold,
  };
}

export interface CalibrationOutcome {
  calibration: Calibration;
  /** Cross-validation found that at least one part beats the model's own scores. */
  adopt: boolean;
}

/**
 * One-sided McNemar test at 5%: of the held-out examples the two disagree on, the calibrated
 * one must be right on clearly more (b − c > 1.645 √(b + c)), so a fit to noise, which wins
 * and loses about as often, is refused.
 */
const Z = 1.645;
function clearlyBetter(gained: number, lost: number): boolean {
  return gained - lost > Z * Math.sqrt(gained + lost);
}

/** An example's fold, from its id: the same examples fall in the same fold on every fit. */
function foldOf(id: string, folds: number): number {
  return createHash('sha256').update(id).digest().readUInt32BE(0) % folds;
}

const EMPTY: EvaluationSummary = { examples: 0, macroF1: 0, accuracy: 0, ece: 0, nll: 0 };

function labelVotes(examples: LabelFeedbackExample[], share: number): LabelVote[] {
  const weights = new Map<string, number>();
  // Capped per topic: a reader flooding one label's page is one voice on that label.
  const byTopic = new Map<string, LabelFeedbackExample[]>();
  for (const e of examples) {
    const group = byTopic.get(e.topic);
    if (group) group.push(e);
    else byTopic.set(e.topic, [e]);
  }
  for (const group of byTopic.values()) {
    const w = readerWeights(
      group.map((e) => ({ reader: e.reader, trusted: e.source === 'import' })),
      share,
    );
    group.forEach((e, i) => {
      weights.set(e.id, w[i] ?? 0);
    });
  }
  return examples.map((e) => ({
    scores: e.scores,
    verdict: e.verdict.type === 'belongs-in' ? e.verdict : { type: 'not-about', label: e.topic },
    weight: weights.get(e.id) ?? 0,
  }));
}

/** Right by the verdict: the top label is the label it belongs in, or is not the one it is not about. */
function decidedRight(vote: LabelVote, scores: Record<string, number>): boolean {
  const top = topLabel(scores).label;
  return vote.verdict.type === 'belongs-in' ? top === vote.verdict.label : top !== vote.verdict.label;
}

function summaryOf(votes: LabelVote[], scored: Record<string, number>[], labels: string[]): EvaluationSummary {
  const known = votes.flatMap((v, i) =>
    v.verdict.type === 'belongs-in' ? [{ truth: v.verdict.label, scores: scored[i] ?? {} }] : [],
  );
  const metrics = evaluateLabels(known, labels);
  return {
    examples: votes.length,
    macroF1: metrics.macroF1,
    accuracy: votes.filter((v, i) => decidedRight(v, scored[i] ?? {})).length / Math.max(1, votes.length),
    ece: metrics.ece,
    nll: metrics.nll,
  };
}

/** Each example's scores under a calibration fitted on the other folds only. */
function heldOutScores(
  examples: LabelFeedbackExample[],
  votes: LabelVote[],
  options: CalibrateOptions,
): Record<string, number>[] {
  const heldOut: Record<string, number>[] = new Array(votes.length);
  for (let fold = 0; fold < options.folds; fold++) {
    const inFold = examples.map((e) => foldOf(e.id, options.folds) === fold);
    const fit = fitLabelCalibration(
      votes.filter((_, i) => !inFold[i]),
      options.labels,
    );
    votes.forEach((v, i) => {
      if (inFold[i]) heldOut[i] = applyCalibration(v.scores, fit);
    });
  }
  return heldOut;
}

/**
 * Every shared-label example's scores under a calibration fitted without it (k-fold, the
 * per-reader cap applied): what `tidings eval --feedback` reports as "after", so the
 * calibration is never measured on the verdicts it learned from.
 */
export function crossValidatedLabelScores(
  examples: LabelFeedbackExample[],
  options: CalibrateOptions,
): Record<string, number>[] {
  return heldOutScores(examples, labelVotes(examples, options.readerShare), options);
}

function crossValidateLabels(
  examples: LabelFeedbackExample[],
  options: CalibrateOptions,
): { verdict: CalibrationVerdict; fit: LabelCalibration | null } {
  const votes = labelVotes(examples, options.readerShare);
  const weight = votes.reduce((a, v) => a + v.weight, 0);
  const refuse = (reason: string, before = EMPTY, after = EMPTY): { verdict: CalibrationVerdict; fit: null } => ({
    verdict: { examples: votes.length, folds: options.folds, before, after, adopted: false, reason },
    fit: null,
  });
  if (options.multiLabel) return refuse('multi-label scoring: label offsets are fitted for single-label scores only');
  if (weight < options.minVotes)
    return refuse(
      `${votes.length} verdicts on shared labels weigh ${weight.toFixed(1)} after the per-reader cap, fewer than CALIBRATION_MIN_VOTES (${options.minVotes})`,
    );
  const heldOut = heldOutScores(examples, votes, options);
  const before = summaryOf(
    votes,
    votes.map((v) => v.scores),
    options.labels,
  );
  const after = summaryOf(votes, heldOut, options.labels);
  let gained = 0;
  let lost = 0;
  votes.forEach((v, i) => {
    const was = decidedRight(v, v.scores);
    const is = decidedRight(v, heldOut[i] ?? {});
    if (is && !was) gained += v.weight;
    if (was && !is) lost += v.weight;
  });
  const fit = fitLabelCalibration(votes, options.labels);
  const unreachable = unreachableLabels(fit, options.labels);
  if (unreachable.length > 0)
    return refuse(
      `it would make ${unreachable.join(', ')} unreachable: a score of 0.99 would still lose`,
      before,
      after,
    );
  if (!clearlyBetter(gained, lost) || after.macroF1 <= before.macroF1)
    return refuse(
      `on held-out folds it fixed ${gained.toFixed(1)} and broke ${lost.toFixed(1)} weighted verdicts (macro-F1 ${before.macroF1.toFixed(3)} → ${after.macroF1.toFixed(3)}): not clearly better than the model's own scores`,
      before,
      after,
    );
  return {
    verdict: {
      examples: votes.length,
      folds: options.folds,
      before,
      after,
      adopted: true,
      reason: `on held-out folds it fixed ${gained.toFixed(1)} and broke ${lost.toFixed(1)} weighted verdicts (macro-F1 ${before.macroF1.toFixed(3)} → ${after.macroF1.toFixed(3)})`,
    },
    fit,
  };
}

function ownVotes(examples: OwnFeedbackExample[]): OwnVote[] {
  return examples.map((e) => ({
    topic: e.topic,
    score: e.ownScore,
    relevant: e.verdict.relevant,
    ...(e.subscriptionId ? { subscriptionId: e.subscriptionId } : {}),
  }));
}

/** Each own-topic example's threshold as learned from the other folds only. */
export function crossValidatedOwnThresholds(examples: OwnFeedbackExample[], options: CalibrateOptions): number[] {
  const votes = ownVotes(examples);
  const thresholds: number[] = new Array(votes.length);
  for (let fold = 0; fold < options.folds; fold++) {
    const inFold = examples.map((e) => foldOf(e.id, options.folds) === fold);
    const fit = fitOwnThresholds(
      votes.filter((_, i) => !inFold[i]),
      options.ownThreshold,
    );
    votes.forEach((v, i) => {
      if (inFold[i])
        thresholds[i] = ownTopicThreshold({ ownThresholds: fit }, v.topic, v.subscriptionId, options.ownThreshold);
    });
  }
  return thresholds;
}

function crossValidateOwn(
  examples: OwnFeedbackExample[],
  options: CalibrateOptions,
): { verdict: CalibrationVerdict; fit: Record<string, OwnThreshold> } {
  const votes = ownVotes(examples);
  const prior = options.ownThreshold;
  const thresholds = crossValidatedOwnThresholds(examples, options);
  const before = evaluateOwn(votes.map((v) => ({ relevant: v.relevant, score: v.score, threshold: prior })));
  const after = evaluateOwn(
    votes.map((v, i) => ({ relevant: v.relevant, score: v.score, threshold: thresholds[i] ?? prior })),
  );
  let gained = 0;
  let lost = 0;
  votes.forEach((v, i) => {
    const was = v.score >= prior === v.relevant;
    const is = v.score >= (thresholds[i] ?? prior) === v.relevant;
    if (is && !was) gained++;
    if (was && !is) lost++;
  });
  const adopted = votes.length > 0 && clearlyBetter(gained, lost);
  const reason =
    votes.length === 0
      ? 'no verdicts on own topics'
      : `on held-out folds the learned thresholds fixed ${gained} and broke ${lost} verdicts (accuracy ${before.accuracy.toFixed(3)} → ${after.accuracy.toFixed(3)})${adopted ? '' : ': not clearly better than OWN_TOPIC_THRESHOLD'}`;
  return {
    verdict: { examples: votes.length, folds: options.folds, before, after, adopted, reason },
    fit: adopted ? fitOwnThresholds(votes, prior) : {},
  };
}

/**
 * Fits a calibration from the verdicts and decides whether to adopt it. Each part (the
 * shared labels' offsets and temperature; the own topics' thresholds) is measured by k-fold
 * cross-validation, every fold scored by a fit on the other folds only, against the model's
 * own scores on the same held-out examples, and kept only when clearly better. The kept
 * parts are then fitted on every example.
 */
export function calibrate(examples: FeedbackExample[], options: CalibrateOptions): CalibrationOutcome {
  const labels = crossValidateLabels(
    examples.filter((e): e is LabelFeedbackExample => e.kind === 'label'),
    options,
  );
  const own = crossValidateOwn(
    examples.filter((e): e is OwnFeedbackExample => e.kind === 'own'),
    options,
  );
  const parts = {
    labelOffsets: labels.fit?.labelOffsets ?? {},
    temperature: labels.fit?.temperature ?? 1,
    ownThresholds: own.fit,
  };
  return {
    calibration: {
      id: calibrationId(parts),
      createdAt: (options.now ?? new Date()).toISOString(),
      ...parts,
      votes: examples.length,
      report: { labels: labels.verdict, own: own.verdict },
    },
    adopt: labels.verdict.adopted || own.verdict.adopted,
  };
}
