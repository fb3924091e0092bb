import { CalibrationStore } from '@tidings/feedback';
import { createLogger } from '@tidings/runtime';
import {
  type Calibration,
  ClassifierVersionSchema,
  ClassifyResultSchema,
  calibrationId,
  classifyJobId,
  JOB,
  QUEUE,
  redisKeys,
} from '@tidings/shared';
import { buildArticle, storeRunArticles, testConfig, testRedis, waitForJobState } from '@tidings/testing';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Classifier, startClassifier } from '../src/classifier.js';

const logger = createLogger('test', { level: 'silent' });
const redis = testRedis();
afterAll(() => redis.quit());

/** An SEC story the tiny model puts in Stock: four stock words against one SEC word (6 logits apart). */
const secStory = (id: string) =>
  buildArticle({ id, title: 'SEC probes trading in shares before merger', summary: 'Stock trading spiked.' });

function calibration(offsets: Record<string, number>): Calibration {
  const parts = { labelOffsets: offsets, temperature: 1, ownThresholds: {} };
  const verdict = {
    examples: 40,
    folds: 5,
    before: { examples: 40, macroF1: 0.5, accuracy: 0.5, ece: 0.2, nll: 1 },
    after: { examples: 40, macroF1: 0.9, accuracy: 0.9, ece: 0.1, nll: 0.4 },
    adopted: true,
    reason: 'test',
  };
  return {
    id: calibrationId(parts),
    createdAt: new Date().toISOString(),
    ...parts,
    votes: 40,
    report: { labels: verdict, own: { ...verdict, adopted: false } },
  };
}

describe('classifier under a calibration', () => {
  const config = testConfig();
  const queue = new Queue(QUEUE.classify, { connection: redis, prefix: config.prefix });
  const calibrations = new CalibrationStore(redis, config.prefix);
  let classifier: Classifier;
  beforeAll(async () => {
    classifier = await startClassifier({ config, logger });
  });
  afterAll(async () => {
    await classifier.close();
    await queue.close();
  });

  const classify = async (runId: string, articleId: string) => {
    await storeRunArticles(redis, config.prefix, runId, [secStory(articleId)]);
    await queue.add(JOB.classify, { runId, articleId }, { jobId: classifyJobId(runId, articleId) });
    const job = await waitForJobState(queue, classifyJobId(runId, articleId), 'completed');
    return ClassifyResultSchema.parse(job.returnvalue);
  };

  it('applies a newly adopted calibration from the next article on, without a restart, under a new version', async () => {
    const before = await classify('r1', 'a1');
    expect(before.label).toBe('Stock');
    expect(before.calibration).toBeNull();
    expect(before.rawScores).toBeUndefined();

    const adopted = calibration({ SEC: 4, Stock: -4 });
    await calibrations.save(adopted, true, 0);
    const after = await classify('r2', 'a2');
    expect(after.label).toBe('SEC');
    expect(after.calibration).toBe(adopted.id);
    expect(after.rawScores).toEqual(before.scores);
    expect(after.version).not.toBe(before.version);
    const stored = await redis.hget(redisKeys(config.prefix).classifierVersions, after.version ?? '');
    expect(ClassifierVersionSchema.parse(JSON.parse(stored ?? 'null')).calibration).toBe(adopted.id);

    await calibrations.reset();
    const reset = await classify('r3', 'a3');
    expect(reset).toMatchObject({ label: 'Stock', calibration: null, version: before.version });
  });
});
