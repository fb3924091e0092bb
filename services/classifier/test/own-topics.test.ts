import { modelSource } from '@tidings/model-tools';
import { DEFAULT_LABELS, loadConfig } from '@tidings/shared';
import { TINY_MODEL_DIR } from '@tidings/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LibraryZeroShot, loadLibraryZeroShot, loadNliModel, type NliModel } from '../src/model-runtime.js';
import { classifyText, ownTopicHypothesis, scorePremises } from '../src/zero-shot.js';

const config = loadConfig({ MODEL_DIR: TINY_MODEL_DIR, CLASSIFIER_THREADS: '1' });
const options = { labels: DEFAULT_LABELS.split(','), hypothesisTemplate: 'This example is {}.', multiLabel: false };
const BITCOIN = 'Bitcoin slides below $80,000 as crypto ETF outflows mount. Investors pulled money from bitcoin funds.';
const IPO = 'Fintech lender prices IPO above range, valuing company at $9 billion ahead of Nasdaq debut.';
const TOPICS = ['blockchain tokens', 'initial public offering', 'crude oil', 'electric vehicles', 'Fed rates'].map(
  (words, i) => ({ id: `${i}`.repeat(16), words }),
);

let model: NliModel;
let library: LibraryZeroShot;
beforeAll(async () => {
  model = await loadNliModel(modelSource(config.classifier), { threads: 1 });
  library = await loadLibraryZeroShot(modelSource(config.classifier), { threads: 1 });
});
afterAll(async () => {
  await model.dispose();
  await library.dispose();
});

describe('own topics scored beside the labels', () => {
  it("scores each own topic as the library pipeline's multi_label does, within 1e-5", async () => {
    for (const text of [BITCOIN, IPO]) {
      const ours = await classifyText(model, text, options, { ownTopics: TOPICS, batchSize: 4 });
      const theirs = await library(
        text,
        TOPICS.map((t) => t.words),
        { hypothesis_template: options.hypothesisTemplate, multi_label: true },
      );
      for (const t of TOPICS) {
        const expected = theirs.scores[theirs.labels.indexOf(t.words)] ?? Number.NaN;
        expect(Math.abs((ours.ownScores?.[t.id] ?? 0) - expected), `${t.words}: ${text}`).toBeLessThan(1e-5);
      }
    }
  });

  it('makes "blockchain tokens" match a Bitcoin article and not an IPO one at the default threshold', async () => {
    const threshold = config.ownTopics.threshold;
    const [bitcoin, ipo] = await Promise.all(
      [BITCOIN, IPO].map((t) => classifyText(model, t, options, { ownTopics: TOPICS.slice(0, 1) })),
    );
    expect(bitcoin?.ownScores?.[TOPICS[0]!.id]).toBeGreaterThanOrEqual(threshold);
    expect(ipo?.ownScores?.[TOPICS[0]!.id]).toBeLessThan(threshold);
  });

  it('gives the same label, scores and own scores whatever the batch size, and the label as without own topics', async () => {
    const alone = await classifyText(model, BITCOIN, options);
    const one = await classifyText(model, BITCOIN, options, { ownTopics: TOPICS, batchSize: 1 });
    const all = await classifyText(model, BITCOIN, options, { ownTopics: TOPICS, batchSize: 64 });
    expect(one.label).toBe(alone.label);
    for (const label of options.labels) {
      expect(Math.abs((one.scores[label] ?? 0) - (alone.scores[label] ?? 0))).toBeLessThan(1e-6);
      expect(Math.abs((all.scores[label] ?? 0) - (alone.scores[label] ?? 0))).toBeLessThan(1e-6);
    }
    for (const t of TOPICS)
      expect(Math.abs((one.ownScores?.[t.id] ?? 0) - (all.ownScores?.[t.id] ?? 1))).toBeLessThan(1e-6);
    expect(alone.ownScores).toBeUndefined();
  });

  it('scores many premises against one topic in batches as it scores each alone (the backfill)', async () => {
    const premises = [
      BITCOIN,
      IPO,
      'Oil jumps 3% after OPEC+ delays output',
      `Crypto tokens. ${'Long day. '.repeat(200)}`,
    ];
    const hypothesis = ownTopicHypothesis(options.hypothesisTemplate, 'blockchain tokens');
    const batched = await scorePremises(model, premises, hypothesis, 3);
    for (const [i, premise] of premises.entries()) {
      const alone = await classifyText(model, premise, options, { ownTopics: TOPICS.slice(0, 1) });
      expect(Math.abs((batched[i] ?? 0) - (alone.ownScores?.[TOPICS[0]!.id] ?? 1)), premise.slice(0, 40)).toBeLessThan(
        1e-6,
      );
    }
  });

  it('puts the words into the template as text: a $& in them is not a replacement pattern', () => {
    expect(ownTopicHypothesis('This example is {}.', 'S$&P 500')).toBe('This example is S$&P 500.');
  });
});
