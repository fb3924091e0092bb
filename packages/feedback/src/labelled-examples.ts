import {
  type Calibration,
  type EvaluationSummary,
  type FeedbackExample,
  feedbackExampleId,
  type LabelFeedbackExample,
  type OwnFeedbackExample,
} from '@tidings/shared';
import { applyCalibration, ownTopicThreshold, topLabel } from './apply-calibration.js';
import { type CalibrateOptions, crossValidatedLabelScores, crossValidatedOwnThresholds } from './calibrate.js';
import { evaluateLabels, evaluateOwn, type LabelEvaluation } from './evaluation-metrics.js';
import type { LabelledLine } from './labelled-file.js';

/** A labelled line with the model's raw scores (what the classifier's classifyLabelled returns). */
export interface ScoredLabelledLine {
  item: LabelledLine;
  scores: Record<string, number>;
  own?: { topicId: string; score: number };
}

/**
 * An operator's labelled line as a stored example: the text, the raw scores, and the verdict
 * the line states. Its id comes from the reader and the text, so importing a file again
 * replaces its examples rather than adding them twice.
 */
export function importedExample(line: ScoredLabelledLine, reader: string, at: Date): FeedbackExample {
  const { item, scores } = line;
  const subject = `${item.title}\n${item.summary}`;
  const base = {
    title: item.title,
    summary: item.summary,
    scores,
    source: 'import' as const,
    reader,
    at: at.toISOString(),
  };
  if ('label' in item) {
    const shown = topLabel(scores).label;
    return {
      ...base,
      id: feedbackExampleId(reader, subject, 'label', shown),
      kind: 'label',
      topic: shown,
      label: shown,
      verdict: { type: 'belongs-in', label: item.label },
    };
  }
  const topicId = line.own?.topicId ?? '';
  return {
    ...base,
    id: feedbackExampleId(reader, subject, 'own', topicId),
    kind: 'own',
    topic: topicId,
    ownScore: line.own?.score ?? 0,
    verdict: { relevant: item.relevant },
  };
}

export interface EvaluationReport {
  /** The calibration "after" is measured under; null: none in force, after equals before. */
  calibration: { id: string; votes: number } | null;
  labels: { before: LabelEvaluation; after: LabelEvaluation };
  own: { before: EvaluationSummary; after: EvaluationSummary };
}

/**
 * Per-label and own-topic metrics of scored lines, with the model's own scores and under a
 * calibration (the one in force), side by side on the same lines.
 */
export function evaluationReport(
  lines: ScoredLabelledLine[],
  calibration: Calibration | null,
  options: { labels: string[]; multiLabel: boolean; ownThreshold: number },
): EvaluationReport {
  const labelled = lines.flatMap((l) => ('label' in l.item ? [{ truth: l.item.label, scores: l.scores }] : []));
  const own = lines.flatMap((l) =>
    'relevant' in l.item && l.own ? [{ relevant: l.item.relevant, score: l.own.score, topicId: l.own.topicId }] : [],
  );
  return {
    calibration: calibration ? { id: calibration.id, votes: calibration.votes } : null,
    labels: {
      before: evaluateLabels(labelled, options.labels),
      after: evaluateLabels(
        labelled.map((p) => ({ truth: p.truth, scores: applyCalibration(p.scores, calibration, options.multiLabel) })),
        options.labels,
      ),
    },
    own: {
      before: evaluateOwn(own.map((o) => ({ ...o, threshold: options.ownThreshold }))),
      after: evaluateOwn(
        own.map((o) => ({
          ...o,
          threshold: ownTopicThreshold(calibration, o.topicId, undefined, options.ownThreshold),
        })),
      ),
    },
  };
}

/**
 * The stored verdicts as an evaluation: "before" the model's scores (`rescored`: the
 * configured model's scores for each example's text, in order), "after" a calibration
 * fitted by k-fold on the other folds only, never on the example it scores. A "not about"
 * verdict names no right label, so the per-label metrics read only "belongs in" verdicts.
 */
export function feedbackEvaluation(
  examples: FeedbackExample[],
  rescored: Record<string, number>[],
  rescoredOwn: (number | undefined)[],
  options: CalibrateOptions,
): EvaluationReport {
  const fresh = examples.map((e, i) => ({ ...e, scores: rescored[i] ?? e.scores }));
  const labelExamples = fresh.filter((e): e is LabelFeedbackExample => e.kind === 'label');
  const after = crossValidatedLabelScores(labelExamples, options);
  const known = labelExamples.flatMap((e, i) =>
    e.verdict.type === 'belongs-in' ? [{ truth: e.verdict.label, before: e.scores, after: after[i] ?? e.scores }] : [],
  );
  const ownExamples = fresh
    .map((e, i) => (e.kind === 'own' ? { ...e, ownScore: rescoredOwn[i] ?? e.ownScore } : null))
    .filter((e): e is OwnFeedbackExample => e !== null);
  const thresholds = crossValidatedOwnThresholds(ownExamples, options);
  const own = ownExamples.map((e) => ({ relevant: e.verdict.relevant, score: e.ownScore }));
  return {
    calibration: null,
    labels: {
      before: evaluateLabels(
        known.map((k) => ({ truth: k.truth, scores: k.before })),
        options.labels,
      ),
      after: evaluateLabels(
        known.map((k) => ({ truth: k.truth, scores: k.after })),
        options.labels,
      ),
    },
    own: {
      before: evaluateOwn(own.map((o) => ({ ...o, threshold: options.ownThreshold }))),
      after: evaluateOwn(own.map((o, i) => ({ ...o, threshold: thresholds[i] ?? options.ownThreshold }))),
    },
  };
}
