import { modelSource } from '@tidings/model-tools';
import { DEFAULT_LABELS, loadConfig } from '@tidings/shared';
import { CNBC_FIXTURE, expectedTopic, fixtureArticles, TINY_MODEL_DIR } from '@tidings/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LibraryZeroShot, loadLibraryZeroShot, loadNliModel, type NliModel } from '../src/model-runtime.js';
import { classifyText, fitPremise, premiseOf, scoresFromLogits, softmax } from '../src/zero-shot.js';

const labels = DEFAULT_LABELS.split(',');
const template = 'This example is {}.';
const config = loadConfig({ MODEL_DIR: TINY_MODEL_DIR, CLASSIFIER_THREADS: '1' });
const source = modelSource(config.classifier);

const EXTRA_TEXTS = [
  'Ethereum and solana tokens rally as crypto markets recover',
  'Regulators open an enforcement case over securities fraud at a broker',
  'Utility raises its quarterly dividend and payout ratio',
  'GDP grew 2.1% while unemployment held steady, the economy shows resilience',
  'Exxon and Chevron cut drilling as crude and gasoline prices slide',
  'The startup priced its initial public offering ahead of its debut',
  'The president and Congress fight over tariffs before the election',
  'Berkshire Hathaway annual meeting: Abel answers questions in Omaha',
  'Shares of retailers led equities higher in premarket trading',
  'A new museum opens downtown with free admission on Sundays',
];

let model: NliModel;
let library: LibraryZeroShot;
let texts: string[];

beforeAll(async () => {
  model = await loadNliModel(source, { threads: 1 });
  library = await loadLibraryZeroShot(source, { threads: 1 });
  const articles = await fixtureArticles(CNBC_FIXTURE);
  texts = [...articles.map(premiseOf), ...EXTRA_TEXTS];
});
afterAll(async () => {
  await model.dispose();
  await library.dispose();
});

function libraryScores(result: { labels: string[]; scores: number[] }): Record<string, number> {
  return Object.fromEntries(result.labels.map((l, i) => [l, result.scores[i] ?? Number.NaN]));
}

describe('batched zero-shot against the library pipeline', () => {
  it('gives the same scores within 1e-5 on 22 texts, single-label', async () => {
    expect(texts.length).toBeGreaterThanOrEqual(22);
    for (const text of texts) {
      const ours = await classifyText(model, text, { labels, hypothesisTemplate: template, multiLabel: false });
      const theirs = libraryScores(await library(text, labels, { hypothesis_template: template, multi_label: false }));
      for (const label of labels)
        expect(Math.abs((ours.scores[label] ?? 0) - (theirs[label] ?? 0)), `${label}: ${text}`).toBeLessThan(1e-5);
    }
  });

  it('gives the same scores within 1e-5 with MULTI_LABEL', async () => {
    for (const text of texts.slice(0, 8)) {
      const ours = await classifyText(model, text, { labels, hypothesisTemplate: template, multiLabel: true });
      const theirs = libraryScores(await library(text, labels, { hypothesis_template: template, multi_label: true }));
      for (const label of labels) expect(Math.abs((ours.scores[label] ?? 0) - (theirs[label] ?? 0))).toBeLessThan(1e-5);
    }
  });

  it('truncates only the premise of a text longer than the model takes', async () => {
    const long = `Bitcoin and crypto tokens surge. ${'The session was busy and long. '.repeat(60)}`;
    expect(model.pairLengths([long], ['This example is Oil or Gas.'])[0]).toBeGreaterThan(model.maxLength);
    const ours = await classifyText(model, long, { labels, hypothesisTemplate: template, multiLabel: false });
    expect(ours.truncated).toBe(true);
    expect(ours.label).toBe('Crypto');

    const fitted = fitPremise(
      model,
      long,
      labels.map((l) => template.replace('{}', l)),
    );
    expect(long.startsWith(fitted)).toBe(true);
    expect(
      Math.max(
        ...model.pairLengths(
          labels.map(() => fitted),
          labels.map((l) => template.replace('{}', l)),
        ),
      ),
    ).toBeLessThanOrEqual(model.maxLength);
    const theirs = libraryScores(await library(fitted, labels, { hypothesis_template: template, multi_label: false }));
    for (const label of labels) expect(Math.abs((ours.scores[label] ?? 0) - (theirs[label] ?? 0))).toBeLessThan(1e-5);

    // Why tidings truncates itself: the pipeline cuts the pair's end, hypothesis included,
    // so every label scores the same.
    const naive = await library(long, labels, { hypothesis_template: template, multi_label: false });
    expect(Math.max(...naive.scores) - Math.min(...naive.scores)).toBeLessThan(1e-6);
  });
});

describe('the tiny model', () => {
  it('puts every fixture article in its expected topic', async () => {
    const articles = await fixtureArticles(CNBC_FIXTURE);
    for (const article of articles) {
      const result = await classifyText(model, premiseOf(article), {
        labels,
        hypothesisTemplate: template,
        multiLabel: false,
      });
      expect(result.label, article.title).toBe(expectedTopic(article.title));
    }
  });

  it('gives meaningful labels for all ten topics', async () => {
    const got = [];
    for (const text of EXTRA_TEXTS)
      got.push((await classifyText(model, text, { labels, hypothesisTemplate: template, multiLabel: false })).label);
    expect(got).toEqual(labels);
  });

  it('loads its int8 variant with the same labels', async () => {
    const q8 = await loadNliModel({ ...source, dtype: 'q8' }, { threads: 1 });
    for (const text of EXTRA_TEXTS) {
      const a = await classifyText(model, text, { labels, hypothesisTemplate: template, multiLabel: false });
      const b = await classifyText(q8, text, { labels, hypothesisTemplate: template, multiLabel: false });
      expect(b.label).toBe(a.label);
    }
    await q8.dispose();
  });
});

describe('pure parts', () => {
  it('softmax is stable and sums to 1', () => {
    const s = softmax([1000, 1000, 999]);
    expect(s.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    expect(s[0]).toBeCloseTo(s[1] ?? 0, 12);
  });
  it('premise is title + ". " + summary, or whichever exists', () => {
    expect(premiseOf({ title: 'T', summary: 'S' })).toBe('T. S');
    expect(premiseOf({ title: 'T', summary: ' ' })).toBe('T');
    expect(premiseOf({ title: '', summary: 'S' })).toBe('S');
  });
  it('scores one label alone against contradiction, as the pipeline does', () => {
    const rows = [Float32Array.from([0, 0, 2])];
    expect(scoresFromLogits(rows, { entailmentId: 2, contradictionId: 0 }, false)[0]).toBeCloseTo(
      softmax([0, 2])[1] ?? 0,
      12,
    );
  });
});
