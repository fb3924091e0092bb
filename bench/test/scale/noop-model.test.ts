import { classifyText } from '@tidings/classifier';
import { DEFAULT_LABELS, loadConfig } from '@tidings/shared';
import { describe, expect, it } from 'vitest';
import { noopNliModel } from '../../src/scale/noop-model.js';

const options = loadConfig({ LABELS: DEFAULT_LABELS }).zeroShot;

describe('the no-op model', () => {
  it('classifies through the classifier’s own code, the same article always the same way', async () => {
    const model = noopNliModel();
    const a = await classifyText(model, 'Crude oil and gas prices climb after OPEC (r 1). Story 1.', options);
    const again = await classifyText(model, 'Crude oil and gas prices climb after OPEC (r 1). Story 1.', options);
    expect(options.labels).toContain(a.label);
    expect(again).toEqual(a);
    expect(Object.values(a.scores).reduce((s, v) => s + v, 0)).toBeCloseTo(1, 6);
  });

  it('spreads articles over many topics, so the page has groups to show', async () => {
    const model = noopNliModel();
    const labels = new Set<string>();
    for (let i = 0; i < 200; i++) labels.add((await classifyText(model, `Headline ${i}. Story ${i}.`, options)).label);
    expect(labels.size).toBeGreaterThanOrEqual(8);
  });
});
