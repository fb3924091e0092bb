import { createHash } from 'node:crypto';
import { z } from 'zod';
import { ArticleIdSchema } from './ids.js';
import { OwnTopicIdSchema } from './own-topics.js';

/** Where a verdict came from: the topic page, a subscriber's page, a feed or digest link, the API, an operator's file. */
export const FeedbackSourceSchema = z.enum(['page', 'subscriber-page', 'feed-link', 'api', 'import']);
export type FeedbackSource = z.infer<typeof FeedbackSourceSchema>;

/**
 * Who voted, as an opaque id: a hash of the feed key, session or operator, never the secret
 * itself (it is stored, listed and becomes part of a key).
 */
export const FeedbackReaderSchema = z.string().regex(/^[0-9a-f]{32}$/, { message: 'not a reader id (32 hex digits)' });

/** A reader id from what identifies them; `kind` keeps a feed key and a session that happen to be equal apart. */
export function feedbackReaderId(kind: 'feed-key' | 'session' | 'operator' | 'client', identity: string): string {
  return createHash('sha256').update(`${kind}\0${identity}`).digest('hex').slice(0, 32);
}

/** An example's id: one per reader and subject (article, or the text of an imported line) and topic. */
export const FeedbackExampleIdSchema = z.string().regex(/^[0-9a-f]{24}$/, { message: 'not a feedback example id' });

export function feedbackExampleId(reader: string, subject: string, kind: 'label' | 'own', topic: string): string {
  return createHash('sha256').update(`${reader}\0${subject}\0${kind}\0${topic}`).digest('hex').slice(0, 24);
}

/** On a shared label: the article is not about it, or belongs in another (or this) label. */
export const LabelVerdictSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('not-about') }),
  z.strictObject({ type: z.literal('belongs-in'), label: z.string().min(1).max(200) }),
]);
export type LabelVerdict = z.infer<typeof LabelVerdictSchema>;

/** On an own topic: relevant or not. */
export const OwnVerdictSchema = z.strictObject({ relevant: z.boolean() });
export type OwnVerdict = z.infer<typeof OwnVerdictSchema>;

const Score = z.number().min(0).max(1);

const exampleBase = {
  id: FeedbackExampleIdSchema,
  /** Absent for an operator's imported line, which names no stored article. */
  articleId: ArticleIdSchema.optional(),
  /** The text it was judged on, kept past the article's retention. */
  title: z.string().max(2000),
  summary: z.string().max(20_000),
  /** Every shared label's raw (uncalibrated) score at the time: calibration is fitted from these, no model pass. */
  scores: z.record(z.string(), Score),
  source: FeedbackSourceSchema,
  reader: FeedbackReaderSchema,
  at: z.iso.datetime(),
};

/** A verdict on a shared label; `label` is the label the article was stored under when judged. */
export const LabelFeedbackExampleSchema = z.strictObject({
  ...exampleBase,
  kind: z.literal('label'),
  topic: z.string().min(1).max(200),
  label: z.string().min(1).max(200),
  verdict: LabelVerdictSchema,
});

/** A verdict on an own topic; `ownScore` is that topic's raw score when judged. */
export const OwnFeedbackExampleSchema = z.strictObject({
  ...exampleBase,
  kind: z.literal('own'),
  topic: OwnTopicIdSchema,
  ownScore: Score,
  /** The subscription the reader voted as, so a threshold can be learned for them alone. */
  subscriptionId: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/)
    .optional(),
  verdict: OwnVerdictSchema,
});

export const FeedbackExampleSchema = z.discriminatedUnion('kind', [
  LabelFeedbackExampleSchema,
  OwnFeedbackExampleSchema,
]);
export type FeedbackExample = z.infer<typeof FeedbackExampleSchema>;
export type LabelFeedbackExample = z.infer<typeof LabelFeedbackExampleSchema>;
export type OwnFeedbackExample = z.infer<typeof OwnFeedbackExampleSchema>;

/**
 * Whether the stored prediction was right by this verdict, for the topic it was shown in:
 * a label example is right only when the reader put it in the label it was shown under; an
 * own-topic example when the reader found it relevant.
 */
export function verdictAgrees(example: FeedbackExample): boolean {
  if (example.kind === 'own') return example.verdict.relevant;
  return example.verdict.type === 'belongs-in' && example.verdict.label === example.topic;
}

/** Metrics of one classifier (calibrated or not) on held-out examples. */
export const EvaluationSummarySchema = z.strictObject({
  examples: z.number().int().nonnegative(),
  macroF1: z.number(),
  accuracy: z.number(),
  /** Expected calibration error of the top score (10 equal-width bins). */
  ece: z.number(),
  /** Mean negative log-likelihood of the verdicts. */
  nll: z.number(),
});
export type EvaluationSummary = z.infer<typeof EvaluationSummarySchema>;

/** What k-fold cross-validation said about one part of a calibration (labels, or own topics). */
export const CalibrationVerdictSchema = z.strictObject({
  examples: z.number().int().nonnegative(),
  folds: z.number().int().nonnegative(),
  /** Measured on the held-out folds only: each fold scored by a fit on the others. */
  before: EvaluationSummarySchema,
  after: EvaluationSummarySchema,
  adopted: z.boolean(),
  /** Why it was adopted or refused, in words. */
  reason: z.string(),
});
export type CalibrationVerdict = z.infer<typeof CalibrationVerdictSchema>;

export const CalibrationIdSchema = z.string().regex(/^cal-[0-9a-f]{12}$/, { message: 'not a calibration id' });

export const OwnThresholdSchema = z.strictObject({
  threshold: Score,
  /** Thresholds for subscriptions that voted on this topic themselves. */
  perSubscriber: z.record(z.string(), Score).optional(),
  votes: z.number().int().nonnegative(),
});
export type OwnThreshold = z.infer<typeof OwnThresholdSchema>;

/**
 * A calibration: one offset per shared label on the entailment logits and one temperature
 * (calibrated = softmax((log p + offset) / temperature)), and a threshold per own topic.
 * Parts that cross-validation refused are absent (no offsets, temperature 1, no thresholds).
 */
export const CalibrationSchema = z.strictObject({
  id: CalibrationIdSchema,
  createdAt: z.iso.datetime(),
  labelOffsets: z.record(z.string(), z.number()),
  temperature: z.number().positive(),
  ownThresholds: z.record(OwnTopicIdSchema, OwnThresholdSchema),
  /** How many verdicts it was learned from. */
  votes: z.number().int().nonnegative(),
  report: z.strictObject({
    labels: CalibrationVerdictSchema,
    own: CalibrationVerdictSchema,
  }),
});
export type Calibration = z.infer<typeof CalibrationSchema>;

/** A calibration's id: a hash of what changes scores, so refitting to the same numbers keeps the id. */
export function calibrationId(parts: Pick<Calibration, 'labelOffsets' | 'temperature' | 'ownThresholds'>): string {
  const sorted = <T>(r: Record<string, T>) => Object.entries(r).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const canonical = JSON.stringify([
    sorted(parts.labelOffsets),
    parts.temperature,
    sorted(parts.ownThresholds).map(([k, v]) => [k, v.threshold, sorted(v.perSubscriber ?? {})]),
  ]);
  return `cal-${createHash('sha256').update(canonical).digest('hex').slice(0, 12)}`;
}
