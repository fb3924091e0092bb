import type { Config } from '@tidings/shared';
import type { NliModel } from './model-runtime.js';

/** Labels, hypothesis template and single- or multi-label scoring, as configured (Config['zeroShot']). */
export type ZeroShotOptions = Config['zeroShot'];

export interface ZeroShotResult {
  label: string;
  score: number;
  scores: Record<string, number>;
  /** Each own topic's score by its id, when own topics were asked about. */
  ownScores?: Record<string, number>;
  /** True when the premise was cut to fit the model. */
  truncated: boolean;
}

export function softmax(values: ArrayLike<number>): number[] {
  const list = Array.from(values);
  const max = Math.max(...list);
  const exps = list.map((v) => Math.exp(v - max));
  const sum = exps.reduce((a, b) => a + b, 0);
  return exps.map((e) => e / sum);
}

export function hypothesesFor(options: Pick<ZeroShotOptions, 'labels' | 'hypothesisTemplate'>): string[] {
  return options.labels.map((label) => options.hypothesisTemplate.replace('{}', label));
}

/** The seed's premise: title + ". " + summary, or whichever of the two exists. */
export function premiseOf(article: { title: string; summary: string }): string {
  const title = article.title.trim();
  const summary = article.summary.trim();
  if (title && summary) return `${title}. ${summary}`;
  return title || summary;
}

/**
 * The longest word-prefix of the premise whose pair with every hypothesis fits the model.
 * Only the premise is cut: the library's own truncation cuts the pair's end, which drops
 * the hypothesis and leaves every label with the same score.
 */
export function fitPremise(
  model: Pick<NliModel, 'pairLengths' | 'maxLength'>,
  premise: string,
  hypotheses: string[],
): string {
  // A pair's length is the premise's tokens plus the hypothesis's, so the longest hypothesis decides.
  const hypothesisLengths = model.pairLengths(
    hypotheses.map(() => ''),
    hypotheses,
  );
  const longestHypothesis = hypotheses[hypothesisLengths.indexOf(Math.max(...hypothesisLengths))] ?? '';
  const longest = (text: string) => model.pairLengths([text], [longestHypothesis])[0] ?? 0;
  if (longest(premise) <= model.maxLength) return premise;
  const words = premise.split(/\s+/);
  let lo = 0;
  let hi = words.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (longest(words.slice(0, mid).join(' ')) <= model.maxLength) lo = mid;
    else hi = mid - 1;
  }
  return words.slice(0, lo).join(' ');
}

/** Scores from one entailment/contradiction logit row per label, as the library pipeline computes them. */
export function scoresFromLogits(
  rows: Float32Array[],
  ids: { entailmentId: number; contradictionId: number },
  multiLabel: boolean,
): number[] {
  const each = multiLabel || rows.length === 1;
  if (each) return rows.map((r) => softmax([r[ids.contradictionId] ?? 0, r[ids.entailmentId] ?? 0])[1] ?? 0);
  return softmax(rows.map((r) => r[ids.entailmentId] ?? 0));
}

/** An own topic as the classifier asks about it: its id and the words written. */
export interface OwnTopicQuestion {
  id: string;
  words: string;
}

export interface ClassifyTextOptions {
  /** Own topics to score beside the labels, each on its own (multi-label). */
  ownTopics?: OwnTopicQuestion[];
  /** Most pairs in one padded forward pass (CLASSIFY_BATCH_SIZE); unset: each set of hypotheses in one. */
  batchSize?: number;
}

/** The hypothesis of an own topic: the words go in as they are (a `$&` in them is text, not a pattern). */
export function ownTopicHypothesis(template: string, words: string): string {
  return template.replace('{}', () => words);
}

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let start = 0; start < items.length; start += size) out.push(items.slice(start, start + size));
  return out;
}

/**
 * One premise against many hypotheses, in padded batches of at most `batchSize` pairs, one
 * forward pass each. A batch whose longest pair does not fit has the premise cut for that
 * batch's hypotheses only. Returns the logit rows in the hypotheses' order.
 */
async function runPremise(
  model: NliModel,
  premise: string,
  hypotheses: string[],
  batchSize: number,
): Promise<{ rows: Float32Array[]; truncated: boolean }> {
  const rows: Float32Array[] = [];
  let truncated = false;
  for (const chunk of chunks(hypotheses, batchSize)) {
    // Tokenised once: the padded batch is as long as its longest pair, so a premise that fits
    // (nearly every one) needs neither fitPremise's measuring nor a second tokenisation.
    let batch = model.encode(
      chunk.map(() => premise),
      chunk,
    );
    if (batch.dims[1] > model.maxLength) {
      const fitted = fitPremise(model, premise, chunk);
      truncated ||= fitted !== premise;
      batch = model.encode(
        chunk.map(() => fitted),
        chunk,
      );
    }
    rows.push(...(await model.run(batch)));
  }
  return { rows, truncated };
}

/**
 * Many premises against one hypothesis (a new own topic's backfill), in padded batches of at
 * most `batchSize` pairs; each score is that pair's entailment against contradiction.
 */
export async function scorePremises(
  model: NliModel,
  premises: string[],
  hypothesis: string,
  batchSize: number,
): Promise<number[]> {
  const scores: number[] = [];
  for (const chunk of chunks(premises, batchSize)) {
    let batch = model.encode(
      chunk,
      chunk.map(() => hypothesis),
    );
    if (batch.dims[1] > model.maxLength) {
      const fitted = chunk.map((p) => fitPremise(model, p, [hypothesis]));
      batch = model.encode(
        fitted,
        fitted.map(() => hypothesis),
      );
    }
    scores.push(...scoresFromLogits(await model.run(batch), model, true));
  }
  return scores;
}

/**
 * Every label's hypothesis of one premise, then every own topic's, in padded batches and one
 * forward pass a batch. The labels are batched apart from the own topics, so an article's
 * label and scores are the same whatever own topics exist; each own topic is scored on its
 * own (entailment against contradiction for that pair), as the pipeline's multi_label does.
 */
export async function classifyText(
  model: NliModel,
  premise: string,
  options: ZeroShotOptions,
  extra: ClassifyTextOptions = {},
): Promise<ZeroShotResult> {
  const hypotheses = hypothesesFor(options);
  const labelRun = await runPremise(model, premise, hypotheses, extra.batchSize ?? hypotheses.length);
  const scores = scoresFromLogits(labelRun.rows, model, options.multiLabel);
  let best = 0;
  for (let i = 1; i < scores.length; i++) if ((scores[i] ?? 0) > (scores[best] ?? 0)) best = i;
  const own = extra.ownTopics ?? [];
  const result: ZeroShotResult = {
    label: options.labels[best] ?? '',
    score: scores[best] ?? 0,
    scores: Object.fromEntries(options.labels.map((l, i) => [l, scores[i] ?? 0])),
    truncated: labelRun.truncated,
  };
  if (own.length === 0) return result;
  const ownHypotheses = own.map((t) => ownTopicHypothesis(options.hypothesisTemplate, t.words));
  const ownRun = await runPremise(model, premise, ownHypotheses, extra.batchSize ?? ownHypotheses.length);
  const ownScores = scoresFromLogits(ownRun.rows, model, true);
  return {
    ...result,
    ownScores: Object.fromEntries(own.map((t, i) => [t.id, ownScores[i] ?? 0])),
    truncated: result.truncated || ownRun.truncated,
  };
}
