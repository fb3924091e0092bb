import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startAggregator } from '@tidings/aggregator';
import { prepareModel, startClassifier } from '@tidings/classifier';
import { startLoader } from '@tidings/loader';
import { readRunProgress, requestReclassify, requestRun } from '@tidings/run-requests';
import { createLogger } from '@tidings/runtime';
import {
  ClassifierVersionSchema,
  DEFAULT_LABELS,
  QUEUE,
  QUEUE_NAMES,
  type QueueName,
  type ReclassifyReport,
  reclassifySelection,
  redisKeys,
} from '@tidings/shared';
import { readStackStatus } from '@tidings/status';
import { CNBC_FIXTURE, testConfig, testRedis, waitFor } from '@tidings/testing';
import { applyReclassifyRun, ReclassifyReports, TopicStoreWriter } from '@tidings/topic-store';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * Lineage and re-scoring history on a real stack: the loader, a classifier with the tiny
 * model, the aggregator, all on one redis-server. The labels change between the first
 * classification and the reclassify, as when an operator edits LABELS.
 */
describe('reclassify: stored articles through the classify queue again', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tidings-reclassify-'));
  const before = testConfig({ FEED_URLS: CNBC_FIXTURE, DATA_DIR: dataDir });
  const newLabels = DEFAULT_LABELS.split(',')
    .filter((l) => l !== 'Stock')
    .join(',');
  const after = testConfig({
    FEED_URLS: CNBC_FIXTURE,
    DATA_DIR: dataDir,
    TIDINGS_PREFIX: before.prefix,
    LABELS: newLabels,
  });
  const logger = createLogger('test', { level: 'silent' });
  const redis = testRedis();
  const keys = redisKeys(before.prefix);
  const store = new TopicStoreWriter(redis, before.prefix);
  const reports = new ReclassifyReports(redis, before.prefix);
  const closing: { close(): Promise<void> }[] = [];
  let classifier: Awaited<ReturnType<typeof startClassifier>>;
  let model: Awaited<ReturnType<typeof prepareModel>>;
  let feedsQueue: Queue;
  let aggregateQueue: Queue;

  const queues = Object.fromEntries(
    QUEUE_NAMES.map((name) => [name, new Queue(name, { connection: redis, prefix: before.prefix })]),
  ) as Record<QueueName, Queue>;
  const stackStatus = () => readStackStatus({ redis, target: before.redis, space: before.prefix, queues, store });
  const aggregator = () => closing[1] as Awaited<ReturnType<typeof startAggregator>>;
  const waitForReport = (runId: string) =>
    waitFor(() => reports.read(runId).then((r) => r ?? undefined), { what: `report of ${runId}`, timeoutMs: 60_000 });
  const storedLabels = async () =>
    Object.fromEntries(
      (await store.articlesById(await store.articleIdsPublishedSince(0))).map((a) => [a.id, a.label] as const),
    );

  beforeAll(async () => {
    model = await prepareModel(before, logger);
    closing.push(await startLoader({ config: before, logger, schedule: false }));
    classifier = await startClassifier({ config: before, logger, model });
    closing.push(await startAggregator({ config: before, logger, watchdogIntervalMs: 3_600_000 }));
    feedsQueue = new Queue(QUEUE.runRequests, { connection: redis, prefix: before.prefix });
    aggregateQueue = new Queue(QUEUE.aggregate, { connection: redis, prefix: before.prefix });
  });
  afterAll(async () => {
    await classifier.close();
    for (const s of closing) await s.close();
    await model.dispose();
    await feedsQueue.close();
    await aggregateQueue.close();
    for (const queue of Object.values(queues)) await queue.close();
    await redis.quit();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('every stored article and the run record name the classifier version that made them', async () => {
    const runId = await requestRun(feedsQueue);
    const run = await waitFor(() => store.run(runId).then((r) => r ?? undefined), { timeoutMs: 30_000 });
    const current = await redis.get(keys.currentClassifierVersion);
    const version = ClassifierVersionSchema.parse(
      JSON.parse((await redis.hget(keys.classifierVersions, current ?? '')) ?? ''),
    );
    expect(version).toMatchObject({
      model: 'tiny-nli',
      dtype: before.classifier.dtype,
      labels: before.zeroShot.labels,
    });
    expect(version.weights).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(run.versions).toEqual({ [version.id]: 12 });
    const stored = await store.articlesById(await store.articleIdsPublishedSince(0));
    expect(stored).toHaveLength(12);
    for (const a of stored) expect(a.version, a.title).toBe(version.id);
    const status = await stackStatus();
    expect(status.classifierVersion).toBe(version.id);
    expect(status.workers.filter((w) => w.kind === 'classifier').map((w) => w.version)).toEqual([version.id]);
    // A loader works three queues and is listed once.
    expect(status.workers.filter((w) => w.kind === 'loader')).toHaveLength(1);
  });

  it('a dry run after LABELS changed writes only a report, and applying it changes exactly what the report said', async () => {
    const labelsBefore = await storedLabels();
    await classifier.close();
    classifier = await startClassifier({ config: after, logger, model });
    const newVersion = await redis.get(keys.currentClassifierVersion);

    const selection = reclassifySelection(
      { since: '30d', dryRun: true },
      { now: new Date(), retentionDays: after.aggregator.retentionDays, labels: await store.labels() },
    );
    const runId = await requestReclassify(aggregateQueue, redis, before.prefix, selection);
    const report: ReclassifyReport = await waitForReport(runId);

    const stocks = Object.values(labelsBefore).filter((l) => l === 'Stock').length;
    expect(stocks).toBeGreaterThan(0);
    expect(report.counts).toMatchObject({ selected: 12, classified: 12, failed: 0, compared: 12 });
    expect(report.counts.agreed + report.counts.changed).toBe(12);
    // Stock is no longer a label: every one of its articles moves, and nothing moves into it.
    expect(report.perLabel.Stock).toMatchObject({ before: stocks, after: 0, agreed: 0 });
    expect(report.counts.changed).toBeGreaterThanOrEqual(stocks);
    expect(report.toVersions).toEqual({ [newVersion ?? '']: 12 });
    expect(Object.values(report.fromVersions)).toEqual([12]);
    expect(report.changes).toHaveLength(report.counts.changed);
    for (const c of report.changes) expect(labelsBefore[c.articleId]).toBe(c.from);
    expect(report.applied).toBeNull();
    // A shadow run writes nothing into the store, and frees the slot for the next run.
    expect(await storedLabels()).toEqual(labelsBefore);
    expect(await redis.exists(keys.reclassifyActive, keys.runArticles(runId), keys.reclassifyIds(runId))).toBe(0);

    const applied = await applyReclassifyRun(runId, store, reports, { retentionMs: 86_400_000 });
    expect(applied.applied).toMatchObject({
      changed: report.counts.changed,
      unchanged: report.counts.agreed,
      skipped: 0,
    });
    const labelsAfter = await storedLabels();
    const moved = Object.keys(labelsAfter).filter((id) => labelsAfter[id] !== labelsBefore[id]);
    expect(moved.sort()).toEqual(report.changes.map((c) => c.articleId).sort());
    for (const c of report.changes) expect(labelsAfter[c.articleId]).toBe(c.to);
    expect(Object.values(labelsAfter)).not.toContain('Stock');
    const stored = await store.articlesById(Object.keys(labelsAfter));
    for (const a of stored) expect(a).toMatchObject({ version: newVersion, reclassifiedBy: runId });
    // The topic sets moved with the labels: the Stock topic is empty.
    expect((await store.topicSizes()).Stock ?? 0).toBe(0);

    // Applying again writes nothing more and answers with the same counts.
    const again = await applyReclassifyRun(runId, store, reports, { retentionMs: 86_400_000 });
    expect(again.applied).toEqual(applied.applied);
  });

  it('a second reclassify while one runs is refused, naming the run in progress', async () => {
    const selection = reclassifySelection(
      { since: '30d', dryRun: true, topic: 'Other' },
      { now: new Date(), retentionDays: after.aggregator.retentionDays, labels: await store.labels() },
    );
    await classifier.close();
    const first = await requestReclassify(aggregateQueue, redis, before.prefix, selection);
    await expect(requestReclassify(aggregateQueue, redis, before.prefix, selection)).rejects.toThrow(
      `reclassify run ${first} is still running`,
    );
    const running = await waitFor(async () => {
      const { reclassify } = await stackStatus();
      return reclassify && reclassify.total > 0 ? reclassify : undefined;
    });
    expect(running).toMatchObject({ runId: first, state: 'waiting-children', classified: 0, failed: 0 });
    classifier = await startClassifier({ config: after, logger, model });
    const report = await waitForReport(first);
    expect(report.counts.selected).toBe(Object.values(await storedLabels()).filter((l) => l === 'Other').length);
    // Once it is written, the next one may start.
    const next = await requestReclassify(aggregateQueue, redis, before.prefix, selection);
    expect((await waitForReport(next)).counts.agreed).toBe(report.counts.selected);
  });

  it('a run whose classifiers stop answering is given up by the watchdog, reported, and leaves every stored label as it was', async () => {
    await classifier.close();
    const labelsBefore = await storedLabels();
    const selection = reclassifySelection(
      { since: '30d', dryRun: false },
      { now: new Date(), retentionDays: after.aggregator.retentionDays, labels: await store.labels() },
    );
    const runId = await requestReclassify(aggregateQueue, redis, before.prefix, selection);
    await waitFor(async () => ((await readRunProgress(aggregateQueue, redis, runId))?.total === 12 ? true : undefined));
    const { watchdog } = aggregator();
    const now = Date.now();
    // The first look starts the clock; a reclassify run is given up only after RUN_TIMEOUT_MINUTES without progress.
    expect(await watchdog.tick(now)).toEqual([]);
    expect(await watchdog.tick(now + 60_000)).toEqual([]);
    expect(await watchdog.tick(now + (after.aggregator.runTimeoutMinutes + 1) * 60_000)).toEqual([runId]);
    const report = await waitForReport(runId);
    expect(report).toMatchObject({
      finalisedBy: 'watchdog',
      applied: null,
      counts: { selected: 12, classified: 0, failed: 12 },
    });
    expect(report.reason).toContain('reclassify run made no progress for RUN_TIMEOUT_MINUTES');
    expect(await storedLabels()).toEqual(labelsBefore);
    expect(await redis.exists(keys.reclassifyActive)).toBe(0);
    classifier = await startClassifier({ config: after, logger, model });
  });

  it('a run that is not a dry run is applied by the aggregator as soon as its report is written', async () => {
    const labels = await store.labels();
    const selection = reclassifySelection(
      { since: '30d', dryRun: false },
      { now: new Date(), retentionDays: after.aggregator.retentionDays, labels },
    );
    const runId = await requestReclassify(aggregateQueue, redis, before.prefix, selection);
    const report = await waitForReport(runId);
    const applied = await waitFor(() => reports.read(runId).then((r) => r?.applied ?? undefined));
    // The labels were already applied by the dry run above: the same classifier agrees with itself.
    expect(report.counts.changed).toBe(0);
    expect(applied).toMatchObject({ changed: 0, unchanged: 12, skipped: 0 });
  });
});
