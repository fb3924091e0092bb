import type { Calibration } from '@tidings/shared';

// Scores of exactly 0 happen when a softmax underflows; the floor keeps their log finite.
const FLOOR = 1e-12;
const logOf = (p: number) => Math.log(Math.max(p, FLOOR));

function softmaxOf(values: number[]): number[] {
  const max = Math.max(...values);
  const exps = values.map((v) => Math.exp(v - max));
  const sum = exps.reduce((a, b) => a + b, 0);
  return exps.map((e) => e / sum);
}

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/** The parts of a calibration that move shared-label scores. */
export type LabelCalibration = Pick<Calibration, 'labelOffsets' | 'temperature'>;

/**
 * Calibrated shared-label scores from the raw ones, without a model pass. Single-label: the
 * raw scores are a softmax of the entailment logits, so their logs are the logits up to a
 * constant, and softmax((log p + offset) / temperature) is the softmax of the adjusted logits.
 * Multi-label: each score is its own entailment-against-contradiction sigmoid, adjusted alike.
 * No calibration: the scores as they are.
 */
export function applyCalibration(
  scores: Record<string, number>,
  calibration: LabelCalibration | null,
  multiLabel = false,
): Record<string, number> {
  if (!calibration) return { ...scores };
  const labels = Object.keys(scores);
  const t = calibration.temperature;
  const offset = (label: string) => calibration.labelOffsets[label] ?? 0;
  if (multiLabel) {
    return Object.fromEntries(
      labels.map((l) => {
        const p = Math.min(Math.max(scores[l] ?? 0, FLOOR), 1 - FLOOR);
        return [l, sigmoid((Math.log(p / (1 - p)) + offset(l)) / t)];
      }),
    );
  }
  const calibrated = softmaxOf(labels.map((l) => (logOf(scores[l] ?? 0) + offset(l)) / t));
  return Object.fromEntries(labels.map((l, i) => [l, calibrated[i] ?? 0]));
}

/** The label with the highest score, and that score; ties go to the earlier label. */
export function topLabel(scores: Record<string, number>): { label: string; score: number } {
  let best = { label: '', score: Number.NEGATIVE_INFINITY };
  for (const [label, score] of Object.entries(scores)) if (score > best.score) best = { label, score };
  return best;
}

/**
 * The threshold an own topic's score must reach for one subscription: their own learned
 * threshold, else the topic's, else the configured OWN_TOPIC_THRESHOLD.
 */
export function ownTopicThreshold(
  calibration: Pick<Calibration, 'ownThresholds'> | null,
  topicId: string,
  subscriptionId: string | undefined,
  fallback: number,
): number {
  const learned = calibration?.ownThresholds[topicId];
  if (!learned) return fallback;
  if (subscriptionId !== undefined) {
    const own = learned.perSubscriber?.[subscriptionId];
    if (own !== undefined) return own;
  }
  return learned.threshold;
}

/**
 * The lowest threshold anyone following an own topic is held to: a run stores a topic's
 * matches at this, and each subscriber's feed keeps those at or above their own threshold.
 */
export function lowestOwnTopicThreshold(
  calibration: Pick<Calibration, 'ownThresholds'> | null,
  topicId: string,
  fallback: number,
): number {
  const learned = calibration?.ownThresholds[topicId];
  if (!learned) return fallback;
  return Math.min(learned.threshold, ...Object.values(learned.perSubscriber ?? {}));
}
