import { startAggregator } from '@tidings/aggregator';
import { prepareModel, startClassifier } from '@tidings/classifier';
import { startLoader } from '@tidings/loader';
import { readRunProgress, requestReclassify, requestRun } from '@tidings/run-requests';
import { createLogger } from '@tidings/runtime';
import {
  QUEUE,
  RECLASSIFY_PRIORITY,
  RECLASSIFY_WINDOW,
  reclassifySelection,
  SelectStoredJobSchema,
  selectStoredJobId,
} from '@tidings/shared';
import { buildRun, buildTopicArticle, CNBC_FIXTURE, testConfig, testRedis, waitFor } from '@tidings/testing';
import { ReclassifyReports, TopicStoreWriter } from '@tidings/topic-store';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const STORED = RECLASSIFY_WINDOW + 600;

/**
 * A month of history goes through in steps: at most RECLASSIFY_WINDOW of a reclassify run's
 * articles wait at once, behind any scheduled or requested run's, and a select job resumed
 * from an older cursor (a loader that died before saving it) adds nothing twice.
 */
describe('reclassify in steps, behind every run', () => {
  const config = testConfig({ FEED_URLS: CNBC_FIXTURE });
  const logger = createLogger('test', { level: 'silent' });
  const redis = testRedis();
  const store = new TopicStoreWriter(redis, config.prefix);
  const reports = new ReclassifyReports(redis, config.prefix);
  const closing: { close(): Promise<void> }[] = [];
  const queues = Object.fromEntries(
    [QUEUE.runRequests, QUEUE.aggregate, QUEUE.classify, QUEUE.reclassify].map((q) => [
      q,
      new Queue(q, { connection: redis, prefix: config.prefix }),
    ]),
  );

  beforeAll(async () => {
    const published = Date.now() - 3 * 86_400_000;
    const articles = Array.from({ length: STORED }, (_, i) =>
      buildTopicArticle({
        id: `old${i}`,
        title: i % 2 ? `Bitcoin rallies ${i}` : `Oil prices slip ${i}`,
        published: new Date(published + i * 1000).toISOString(),
        label: 'Other',
        runId: 'stored-run',
      }),
    );
    await store.writeRun(buildRun({ id: 'stored-run', articles }));
    closing.push(await startLoader({ config, logger, schedule: false }));
    closing.push(await startAggregator({ config, logger }));
  });
  afterAll(async () => {
    for (const s of closing.reverse()) await s.close();
    for (const q of Object.values(queues)) await q.close();
    await redis.quit();
  });

  it('waits with RECLASSIFY_WINDOW articles queued, lets a requested run pass, and classifies each stored article once', async () => {
    const selection = reclassifySelection(
      { since: '7d', dryRun: true },
      { now: new Date(), retentionDays: config.aggregator.retentionDays, labels: await store.labels() },
    );
    const runId = await requestReclassify(queues.aggregate!, redis, config.prefix, selection);
    const classify = queues.classify!;
    // No classifier yet: the select job stops at the window and waits, delayed, with its cursor saved.
    const select = await waitFor(async () => {
      const job = await queues.reclassify!.getJob(selectStoredJobId(runId));
      return job && (await job.getState()) === 'delayed' ? job : undefined;
    });
    expect(SelectStoredJobSchema.parse(select.data).cursor).toBe(RECLASSIFY_WINDOW);
    expect(select.progress).toEqual({ added: RECLASSIFY_WINDOW, total: STORED });
    expect(await classify.getPrioritizedCount()).toBe(RECLASSIFY_WINDOW);
    const queued = await classify.getJobs(['prioritized'], 0, 0);
    expect(queued[0]?.opts.priority).toBe(RECLASSIFY_PRIORITY);

    // As if the loader died after adding its second chunk but before saving the cursor.
    await select.updateData({ ...select.data, cursor: RECLASSIFY_WINDOW / 2 });

    // A requested run's articles, queued behind the reclassify's, go first.
    const requested = await requestRun(queues.feeds!);
    await waitFor(async () => {
      const progress = await readRunProgress(queues.aggregate!, redis, requested);
      return progress && progress.feedsRead === 1 && progress.total === 12 ? progress : undefined;
    });
    const model = await prepareModel(config, logger);
    const classifier = await startClassifier({ config, logger, model });
    closing.push({
      close: async () => {
        await classifier.close();
        await model.dispose();
      },
    });

    const report = await waitFor(() => reports.read(runId).then((r) => r ?? undefined), { timeoutMs: 120_000 });
    expect(report.counts).toMatchObject({ selected: STORED, classified: STORED, failed: 0, compared: STORED });
    const completed = await classify.getJobs(['completed'], 0, -1);
    const ofRun = (id: string) => completed.filter((j) => j.data.runId === id);
    // Each stored article classified exactly once, though chunks were added again.
    expect(new Set(ofRun(runId).map((j) => j.data.articleId)).size).toBe(STORED);
    expect(ofRun(runId)).toHaveLength(STORED);
    const firstReclassified = Math.min(...ofRun(runId).map((j) => j.processedOn ?? 0));
    const lastRequested = Math.max(...ofRun(requested).map((j) => j.processedOn ?? 0));
    expect(ofRun(requested)).toHaveLength(12);
    expect(lastRequested).toBeLessThanOrEqual(firstReclassified);
  });
});
