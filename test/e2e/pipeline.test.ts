import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startAggregator } from '@tidings/aggregator';
import { prepareModel, startClassifier } from '@tidings/classifier';
import { startLoader } from '@tidings/loader';
import { requestRun } from '@tidings/run-requests';
import { createLogger, createSubscriber } from '@tidings/runtime';
import { QUEUE, type Run, RunFinishedMessageSchema, redisKeys } from '@tidings/shared';
import { CNBC_FIXTURE, expectedTopic, testConfig, testRedis, waitFor, waitForJobState } from '@tidings/testing';
import { type Job, Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

describe('loader → classifier → aggregator on the CNBC-shaped fixture', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tidings-agg-'));
  const config = testConfig({ FEED_URLS: CNBC_FIXTURE, DATA_DIR: dataDir, SEEN_TTL_DAYS: '30' });
  const logger = createLogger('test', { level: 'silent' });
  const redis = testRedis();
  const subscriber = createSubscriber(config.redis.url);
  const messages: unknown[] = [];
  let services: { close(): Promise<void> }[] = [];
  let feedsQueue: Queue;
  let aggregateQueue: Queue;

  beforeAll(async () => {
    await subscriber.subscribe(redisKeys(config.prefix).topicsChannel);
    subscriber.on('message', (_channel, message) => messages.push(JSON.parse(message)));
    const model = await prepareModel(config, logger);
    const loader = await startLoader({ config, logger });
    const classifier = await startClassifier({ config, logger, model });
    const aggregator = await startAggregator({ config, logger });
    services = [loader, classifier, aggregator];
    feedsQueue = new Queue(QUEUE.runRequests, { connection: redis, prefix: config.prefix });
    aggregateQueue = new Queue(QUEUE.aggregate, { connection: redis, prefix: config.prefix });
  });
  afterAll(async () => {
    for (const s of services) await s.close();
    await feedsQueue.close();
    await aggregateQueue.close();
    await subscriber.quit();
    await redis.quit();
  });

  const runStore = () => services[2] as Awaited<ReturnType<typeof startAggregator>>;
  const waitForRun = (runId: string) =>
    waitFor(
      () =>
        runStore()
          .store.run(runId)
          .then((r) => r ?? undefined),
      { what: `run ${runId}`, timeoutMs: 30_000 },
    );

  it('groups every fixture article under its expected topic, in store, snapshot and message', async () => {
    const runId = await requestRun(feedsQueue);
    const run = await waitForRun(runId);

    expect(run.counts).toEqual({ fetched: 12, new: 12, classified: 12, failed: 0 });
    const grouped = run.topics.flatMap((g) => g.articles.map((a) => [a.title, g.label] as const));
    expect(grouped).toHaveLength(12);
    for (const [title, label] of grouped) expect(label, title).toBe(expectedTopic(title));
    // Every label's score is kept; in single-label mode they sum to 1, the top one is the label's.
    for (const a of run.topics.flatMap((g) => g.articles)) {
      expect(Object.keys(a.scores ?? {}).sort()).toEqual([...config.zeroShot.labels].sort());
      expect(Object.values(a.scores ?? {}).reduce((sum, x) => sum + x, 0)).toBeCloseTo(1, 5);
      expect(a.scores?.[a.label]).toBe(a.score);
    }
    const stock = run.topics.find((g) => g.label === 'Stock')!;
    expect(stock.articles.map((a) => a.title)).toEqual([
      'Cramer says chip stocks still have room to run',
      'Stocks making the biggest moves midday: Nvidia, Walmart, Palo Alto Networks and more',
    ]);
    expect(run.topics.at(-1)?.label).toBe('Other');

    const digest = await runStore().store.digest({ hours: 24 });
    const digestTitles = digest.topics.flatMap((g) => g.articles.map((a) => a.title));
    expect(digestTitles).toHaveLength(11);
    expect(digestTitles).not.toContain('Treasury yields edge higher as traders weigh the economic outlook');

    // The notice is published after the snapshot files are written.
    const message = await waitFor(() => messages.find((m) => (m as { runId: string }).runId === runId));
    expect(RunFinishedMessageSchema.parse(message).counts.classified).toBe(12);
    const snapshot = JSON.parse(fs.readFileSync(path.join(dataDir, 'runs', `${runId}.json`), 'utf8'));
    expect(snapshot.run.id).toBe(runId);
    expect(snapshot.digest.topics.map((g: { label: string }) => g.label)).toEqual(digest.topics.map((g) => g.label));
    expect(fs.readFileSync(path.join(dataDir, 'latest.json'), 'utf8')).toBe(
      fs.readFileSync(path.join(dataDir, 'runs', `${runId}.json`), 'utf8'),
    );
  });

  it('a second run of the same feed adds a run with 0 new articles and changes no topic', async () => {
    const before = await runStore().store.digest({ hours: 24 });
    const runId = await requestRun(feedsQueue);
    const run = await waitForRun(runId);
    expect(run.counts).toEqual({ fetched: 12, new: 0, classified: 0, failed: 0 });
    const after = await runStore().store.digest({ hours: 24 });
    expect(after.topics).toEqual(before.topics);
    expect((await runStore().store.runs()).total).toBe(2);
  });

  it('processing the parent of the run with articles again changes no store key: the write-once guard refuses it', async () => {
    const store = runStore().store;
    const { runs } = await store.runs({ limit: 10 });
    const withArticles = runs.filter((r) => r.counts.classified > 0);
    expect(withArticles.map((r) => r.counts.classified)).toEqual([12]);
    const runId = withArticles[0]!.id;
    // The store is written before BullMQ marks the parent completed.
    const first = await waitForJobState(aggregateQueue, runId, 'completed');
    expect(first.returnvalue.written).toBe(true);
    const keysBefore = (await redis.keys(`${config.prefix}:store:*`)).sort();
    expect(keysBefore.length).toBeGreaterThan(12);
    const dumpBefore = await Promise.all(keysBefore.map((k) => redis.dumpBuffer(k)));

    // The aggregator looks for the run before it builds one; hide it once, as from a second
    // aggregator that looked before the first one wrote, so only the Lua guard stands
    // between the rebuilt run (a new finishedAt) and the store.
    const readRun = store.run.bind(store);
    let hidden = 0;
    const runSpy = vi.spyOn(store, 'run').mockImplementation(async (id) => {
      if (id === runId && hidden === 0) {
        hidden++;
        return null;
      }
      return readRun(id);
    });
    const writeSpy = vi.spyOn(store, 'writeRecord');
    let again: Job;
    let writes: { run: Run; written: Promise<boolean> }[] = [];
    try {
      await first.retry('completed');
      again = await waitFor(async () => {
        const job = await aggregateQueue.getJob(runId);
        return job?.finishedOn !== undefined && job.finishedOn !== first.finishedOn && job.returnvalue
          ? job
          : undefined;
      });
    } finally {
      // mockRestore clears the recorded calls too.
      writes = writeSpy.mock.calls.map(([run], i) => ({ run, written: writeSpy.mock.results[i]?.value }));
      runSpy.mockRestore();
      writeSpy.mockRestore();
    }
    expect(hidden).toBe(1);
    expect(writes).toHaveLength(1);
    const rebuilt = writes[0]!.run;
    expect(rebuilt.id).toBe(runId);
    // Rebuilt after the first write dropped the run's working copies: every article is still
    // accounted for (as lost), and the guard keeps that from replacing the real record.
    expect(rebuilt.counts.new).toBe(12);
    expect(rebuilt.finishedAt).not.toBe(withArticles[0]!.finishedAt);

    const keysAfter = (await redis.keys(`${config.prefix}:store:*`)).sort();
    expect(keysAfter).toEqual(keysBefore);
    const dumpAfter = await Promise.all(keysAfter.map((k) => redis.dumpBuffer(k)));
    expect(keysAfter.filter((_key, i) => !dumpAfter[i]?.equals(dumpBefore[i]!))).toEqual([]);
    expect(await writes[0]!.written).toBe(false);
    expect(again.returnvalue).toMatchObject({ runId, written: false });
  });
});
