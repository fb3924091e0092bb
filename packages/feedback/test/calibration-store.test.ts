import { type FeedbackExample, feedbackExampleId, feedbackReaderId } from '@tidings/shared';
import { testPrefix, testRedis } from '@tidings/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { type CalibrateOptions, CalibrationStore, FeedbackStore, runCalibration } from '../src/index.js';

const redis = testRedis();
afterAll(() => redis.quit());

const LABELS = ['SEC', 'Stock', 'Other'];
const options: CalibrateOptions = {
  labels: LABELS,
  multiLabel: false,
  folds: 5,
  minVotes: 30,
  readerShare: 0.2,
  ownThreshold: 0.8,
};
const operator = feedbackReaderId('operator', 'ops');

/** SEC stories the model puts in Stock by one logit step, and Stock stories it gets right. */
function verdict(i: number): FeedbackExample {
  const sec = i % 2 === 0;
  const logits = sec ? [2 + (i % 5) / 10, 4, 1] : [(i % 5) / 10, 6, 1];
  const exps = logits.map(Math.exp);
  const sum = exps.reduce((a, b) => a + b, 0);
  const scores = Object.fromEntries(LABELS.map((l, j) => [l, (exps[j] ?? 0) / sum]));
  return {
    id: feedbackExampleId(operator, `a${i}`, 'label', 'Stock'),
    articleId: `a${i}`,
    title: `story ${i}`,
    summary: '',
    scores,
    source: 'import',
    reader: operator,
    at: new Date(Date.UTC(2026, 11, 1, 0, 0, i)).toISOString(),
    kind: 'label',
    topic: 'Stock',
    label: 'Stock',
    verdict: { type: 'belongs-in', label: sec ? 'SEC' : 'Stock' },
  };
}

describe('CalibrationStore and runCalibration', () => {
  it('puts an adopted fit in force, skips a scheduled fit without new votes, and resets to none', async () => {
    const prefix = testPrefix();
    const feedback = new FeedbackStore(redis, prefix, { perReader: 1000, total: 1000 });
    const calibrations = new CalibrationStore(redis, prefix);
    for (let i = 0; i < 60; i++) await feedback.record(verdict(i));

    const fitted = await runCalibration({ feedback, calibrations, options }, true);
    expect(fitted?.adopt).toBe(true);
    expect(await calibrations.currentId()).toBe(fitted?.calibration.id);
    expect((await calibrations.current())?.report.labels.adopted).toBe(true);

    expect(await runCalibration({ feedback, calibrations, options }, true)).toBeNull();
    await feedback.record({ ...verdict(0), at: '2026-12-02T00:00:00.000Z' });
    expect(await runCalibration({ feedback, calibrations, options }, true)).not.toBeNull();

    await calibrations.reset();
    expect(await calibrations.current()).toBeNull();
    expect((await calibrations.latest())?.id).toBe(fitted?.calibration.id);
  });

  it('keeps a refused fit as the latest without touching the calibration in force', async () => {
    const prefix = testPrefix();
    const feedback = new FeedbackStore(redis, prefix, { perReader: 1000, total: 1000 });
    const calibrations = new CalibrationStore(redis, prefix);
    for (let i = 0; i < 5; i++) await feedback.record(verdict(i));
    const fitted = await runCalibration({ feedback, calibrations, options });
    expect(fitted?.adopt).toBe(false);
    expect(await calibrations.currentId()).toBeNull();
    expect((await calibrations.latest())?.report.labels.reason).toMatch(/fewer than CALIBRATION_MIN_VOTES/);
  });
});
