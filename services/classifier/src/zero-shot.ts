import type { Config } from '@tidings/shared';
import type { NliModel } from './model-runtime.js';

/** Labels, hypothesis template and single- or multi-label scoring, as configured (Config['zeroShot']). */
export type ZeroShotOptions = Config['zeroShot'];

export interface ZeroShotResult {
  label: string;
  score: number;
  scores: Record<string, number>;
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

/** Every hypothesis of one premise in a single padded batch and one forward pass. */
export async function classifyText(
  model: NliModel,
  premise: string,
  options: ZeroShotOptions,
): Promise<ZeroShotResult> {
  const hypotheses = hypothesesFor(options);
  // Tokenised once: the padded batch is as long as its longest pair, so a premise that fits
  // (nearly every one) needs neither fitPremise's measuring nor a second tokenisation.
  let fitted = premise;
  let batch = model.encode(
    hypotheses.map(() => premise),
    hypotheses,
  );
  if (batch.dims[1] > model.maxLength) {
    fitted = fitPremise(model, premise, hypotheses);
    batch = model.encode(
      hypotheses.map(() => fitted),
      hypotheses,
    );
  }
  const rows = await model.run(batch);
  const scores = scoresFromLogits(rows, model, options.multiLabel);
  let best = 0;
  for (let i = 1; i < scores.length; i++) if ((scores[i] ?? 0) > (scores[best] ?? 0)) best = i;
  return {
    label: options.labels[best] ?? '',
    score: scores[best] ?? 0,
    scores: Object.fromEntries(options.labels.map((l, i) => [l, scores[i] ?? 0])),
    truncated: fitted !== premise,
  };
}
