import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startAggregator } from '@tidings/aggregator';
import { classifyLabelled, type NliModel, prepareModel, startClassifier } from '@tidings/classifier';
import { CalibrationStore, FeedbackStore, importedExample, readLabelledFile } from '@tidings/feedback';
import { startLoader } from '@tidings/loader';
import { requestRun } from '@tidings/run-requests';
import { createLogger } from '@tidings/runtime';
import { ClassifierVersionSchema, feedbackReaderId, QUEUE, redisKeys } from '@tidings/shared';
import { CNBC_FIXTURE, FIXTURES, MARKETWIRE_FIXTURE, testConfig, testRedis, waitFor } from '@tidings/testing';
import { TopicStoreReader } from '@tidings/topic-store';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * The loop the issue asks for, with real services: verdicts stored, a run, the calibration
 * fitted after it and adopted by cross-validation, and the next run's articles classified
 * under it, each naming it and keeping the model's own scores.
 */
describe('calibration learned from verdicts, on a schedule, recorded with every prediction', () => {
  const logger = createLogger('test', { level: 'silent' });
  const redis = testRedis();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tidings-calibration-'));
  const config = testConfig({ FEED_URLS: CNBC_FIXTURE, DATA_DIR: dataDir });
  const both = testConfig({
    FEED_URLS: `${CNBC_FIXTURE},${MARKETWIRE_FIXTURE}`,
    DATA_DIR: dataDir,
    TIDINGS_PREFIX: config.prefix,
  });
  const store = new TopicStoreReader(redis, config.prefix, { labelOrder: config.zeroShot.labels });
  const calibrations = new CalibrationStore(redis, config.prefix);
  const feeds = new Queue(QUEUE.runRequests, { connection: redis, prefix: config.prefix });
  let model: NliModel;
  let services: { close(): Promise<void> }[] = [];
  let loader: { close(): Promise<void> };

  beforeAll(async () => {
    model = await prepareModel(config, logger);
    loader = await startLoader({ config, logger, schedule: false });
    services = [await startClassifier({ config, logger, model }), await startAggregator({ config, logger })];
  });
  afterAll(async () => {
    await loader.close();
    for (const s of services) await s.close();
    await model.dispose();
    await feeds.close();
    await redis.quit();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const runToEnd = async (runId: string) =>
    waitFor(async () => (await store.run(runId)) !== null, { what: `run ${runId} stored`, timeoutMs: 60_000 });

  it('fits after a run, adopts what helps, and the next articles name the calibration they were made under', async () => {
    const text = fs.readFileSync(path.join(FIXTURES, 'eval/feedback-half.jsonl'), 'utf8');
    const scored = await classifyLabelled(model, readLabelledFile(text, config.zeroShot.labels).lines, config.zeroShot);
    const feedback = new FeedbackStore(redis, config.prefix, { perReader: 1000, total: 1000 });
    const reader = feedbackReaderId('operator', 'e2e');
    for (const line of scored) await feedback.record(importedExample(line, reader, new Date()));

    const first = await requestRun(feeds);
    await runToEnd(first);
    const adopted = await waitFor(async () => (await calibrations.current()) ?? undefined, {
      what: 'the calibration fitted after the run',
      timeoutMs: 60_000,
    });
    expect(adopted.report.labels.adopted).toBe(true);
    expect(adopted.report.labels.after.macroF1).toBeGreaterThan(adopted.report.labels.before.macroF1);
    const firstRun = (await store.run(first))?.topics.flatMap((g) => g.articles) ?? [];
    expect(firstRun.length).toBeGreaterThan(0);
    expect(firstRun.every((a) => a.calibration === null)).toBe(true);

    // A second feed for the next run: its articles are new, so the classifier scores them now.
    await loader.close();
    loader = await startLoader({ config: both, logger, schedule: false });
    const second = await requestRun(feeds);
    await runToEnd(second);
    const secondRun = (await store.run(second))?.topics.flatMap((g) => g.articles) ?? [];
    expect(secondRun.length).toBeGreaterThan(0);
    const versions = new Set<string>();
    for (const article of secondRun) {
      expect(article.calibration, article.title).toBe(adopted.id);
      expect(Object.keys(article.rawScores ?? {})).toEqual(config.zeroShot.labels);
      versions.add(article.version ?? '');
    }
    expect(versions.size).toBe(1);
    const version = await redis.hget(redisKeys(config.prefix).classifierVersions, [...versions][0] ?? '');
    expect(ClassifierVersionSchema.parse(JSON.parse(version ?? 'null')).calibration).toBe(adopted.id);
  });
});
