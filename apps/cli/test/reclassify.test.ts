import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startAggregator } from '@tidings/aggregator';
import { prepareModel, startClassifier } from '@tidings/classifier';
import { startLoader } from '@tidings/loader';
import { requestRun } from '@tidings/run-requests';
import { createLogger } from '@tidings/runtime';
import { DEFAULT_LABELS, ReclassifyReportSchema } from '@tidings/shared';
import { CNBC_FIXTURE, runTidings, testConfig, testRedis, waitFor } from '@tidings/testing';
import { TopicStoreReader } from '@tidings/topic-store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * The issue's own check, through the CLI as a process: LABELS changed, `tidings reclassify
 * --since … --dry-run` prints a shadow report, and `tidings reclassify apply` then changes
 * exactly the articles the report counted.
 */
describe('tidings reclassify', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tidings-cli-reclassify-'));
  const config = testConfig({ FEED_URLS: CNBC_FIXTURE, DATA_DIR: dataDir });
  const labels = DEFAULT_LABELS.split(',')
    .filter((l) => l !== 'Stock')
    .join(',');
  const changed = testConfig({
    FEED_URLS: CNBC_FIXTURE,
    DATA_DIR: dataDir,
    TIDINGS_PREFIX: config.prefix,
    LABELS: labels,
  });
  const env = { REDIS_URL: config.redis.url, TIDINGS_PREFIX: config.prefix, DATA_DIR: dataDir, LABELS: labels };
  const logger = createLogger('test', { level: 'silent' });
  const redis = testRedis();
  const store = new TopicStoreReader(redis, config.prefix);
  const services: { close(): Promise<void> }[] = [];

  beforeAll(async () => {
    const model = await prepareModel(config, logger);
    const loader = await startLoader({ config, logger, schedule: false });
    services.push(loader, await startAggregator({ config, logger }));
    const first = await startClassifier({ config, logger, model });
    const runId = await requestRun(loader.feedsQueue);
    await waitFor(() => store.run(runId).then((r) => r ?? undefined), { timeoutMs: 30_000 });
    await first.close();
    services.push(await startClassifier({ config: changed, logger, model }), { close: () => model.dispose() });
  });
  afterAll(async () => {
    for (const s of services.reverse()) await s.close();
    await redis.quit();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('prints a shadow report whose changes the apply step then makes, and nothing before it', async () => {
    const labelsBefore = new Map(
      (await store.articlesById(await store.articleIdsPublishedSince(0))).map((a) => [a.id, a.label]),
    );
    const dry = await runTidings(['reclassify', '--since', '30d', '--dry-run', '--json'], env);
    expect(dry.stderr).toMatch(/reclassify run reclassify-\S+ enqueued \(dry run\)/);
    expect(dry.code).toBe(0);
    const report = ReclassifyReportSchema.parse(JSON.parse(dry.stdout));
    expect(report.counts).toMatchObject({ selected: 12, classified: 12, compared: 12 });
    expect(report.counts.changed).toBeGreaterThan(0);
    const unchanged = new Map((await store.articlesById([...labelsBefore.keys()])).map((a) => [a.id, a.label]));
    expect(unchanged).toEqual(labelsBefore);

    const text = await runTidings(['reclassify', 'report', report.runId], env);
    expect(text.stdout).toContain(`Agreement: ${report.counts.agreed} of 12`);
    expect(text.stdout).toContain(`Not applied: a dry run. \`tidings reclassify apply ${report.runId}\``);

    const apply = await runTidings(['reclassify', 'apply', report.runId, '--json'], env);
    expect(apply.code).toBe(0);
    const applied = ReclassifyReportSchema.parse(JSON.parse(apply.stdout)).applied;
    expect(applied).toMatchObject({ changed: report.counts.changed, unchanged: report.counts.agreed, skipped: 0 });
    const after = (await store.articlesById([...labelsBefore.keys()])).filter(
      (a) => a.label !== labelsBefore.get(a.id),
    );
    expect(after.map((a) => a.id).sort()).toEqual(report.changes.map((c) => c.articleId).sort());
  });

  it('refuses a period past RETENTION_DAYS and an unknown run, each in one line that says what to do', async () => {
    const far = await runTidings(['reclassify', '--since', '45d'], env);
    expect(far.code).not.toBe(0);
    expect(far.stderr).toContain("--since '45d' is before the 30 days the store keeps (RETENTION_DAYS)");
    const unknown = await runTidings(['reclassify', 'apply', 'reclassify-nothing'], env);
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toContain('reclassify run reclassify-nothing has no report');
  });
});
