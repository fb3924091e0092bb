import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRedis, type RedisConnection } from '@tidings/runtime';
import { feedbackExampleId, feedbackReaderId, keySpaceOf, loadConfig } from '@tidings/shared';
import { type ClusterSetup, startClusterSetup, testPrefix } from '@tidings/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CalibrationStore, calibrateOptions, FeedbackStore, runCalibration } from '../src/index.js';

/** A vote is one script over six keys, adopting a calibration one transaction: a CROSSSLOT error fails either. */
describe('the feedback and calibration stores on a Redis Cluster', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tidings-feedback-cluster-'));
  let cluster: ClusterSetup;
  let redis: RedisConnection;

  beforeAll(async () => {
    cluster = await startClusterSetup(dir);
  }, 60_000);
  afterAll(async () => {
    redis?.disconnect();
    await cluster?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('records, replaces and bounds votes, and fits and keeps a calibration, within their slots', async () => {
    const config = loadConfig({ ...cluster.env, TIDINGS_PREFIX: testPrefix(), LOG_LEVEL: 'silent' });
    const space = keySpaceOf(config);
    redis = createRedis(config.redis);
    const feedback = new FeedbackStore(redis, space, { perReader: 2, total: 100 });
    const reader = feedbackReaderId('feed-key', 'k');
    for (const [i, verdict] of ['Stock', 'SEC', 'SEC', 'Other'].entries()) {
      await feedback.record({
        id: feedbackExampleId(reader, `a${i % 3}`, 'label', 'Stock'),
        articleId: `a${i % 3}`,
        title: `story ${i}`,
        summary: '',
        scores: { SEC: 0.3, Stock: 0.6, Other: 0.1 },
        source: 'feed-link',
        reader,
        at: new Date(Date.UTC(2026, 11, 1, 0, i)).toISOString(),
        kind: 'label',
        topic: 'Stock',
        label: 'Stock',
        verdict: { type: 'belongs-in', label: verdict },
      });
    }
    // a0 was replaced by the fourth vote; the reader's oldest (a1) dropped past FEEDBACK_PER_READER.
    expect((await feedback.list()).map((e) => e.articleId)).toEqual(['a2', 'a0']);
    expect(await feedback.topicStats()).toEqual([
      { kind: 'label', topic: 'Stock', examples: 2, agree: 0, accuracy: 0 },
    ]);
    const calibrations = new CalibrationStore(redis, space);
    const fitted = await runCalibration({ feedback, calibrations, options: calibrateOptions(config) });
    expect(fitted?.adopt).toBe(false);
    expect((await calibrations.latest())?.id).toBe(fitted?.calibration.id);
  }, 60_000);
});
