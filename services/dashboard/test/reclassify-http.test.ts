import { createLogger } from '@tidings/runtime';
import {
  classifierVersion,
  type ReclassifiedArticle,
  type ReclassifyReport,
  ReclassifyReportSchema,
  redisKeys,
} from '@tidings/shared';
import { buildRun, buildTopicArticle, testConfig, testRedis } from '@tidings/testing';
import { ReclassifyReports, TopicStoreWriter } from '@tidings/topic-store';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { buildDashboard } from '../src/index.js';

const TOKEN = 'test-token-0123456789abcdef';
const auth = { authorization: `Bearer ${TOKEN}` };
const silent = createLogger('dashboard-test', { level: 'silent' });
const redis = testRedis();
afterAll(() => redis.quit());

const definition = {
  model: 'tiny-nli',
  weights: `sha256:${'a'.repeat(64)}`,
  dtype: 'fp32',
  labels: ['Crypto', 'Other'],
  hypothesisTemplate: 'This example is about {}.',
  multiLabel: false,
  calibration: null,
};
const OLD = classifierVersion(definition);
const NEW = classifierVersion({ ...definition, labels: ['Crypto', 'Oil or Gas', 'Other'] });
const DAY_MS = 86_400_000;

const open: { close(): Promise<unknown> }[] = [];
afterEach(async () => {
  for (const app of open.splice(0)) await app.close();
});

/**
 * A dashboard on its own prefix with three stored articles: two made by the old classifier
 * version, one by the current one, which the most recently started classifier registered.
 */
async function serve(env: Record<string, string> = {}) {
  const config = testConfig(env);
  const { app } = await buildDashboard({ config, logger: silent });
  open.push(app);
  const address = await app.listen({ host: '127.0.0.1', port: 0 });
  const store = new TopicStoreWriter(redis, config.prefix, { labelOrder: config.zeroShot.labels });
  const published = new Date(Date.now() - DAY_MS).toISOString();
  const articles = [
    buildTopicArticle({ id: 'oil1', title: 'Crude slides on supply', label: 'Other', version: OLD.id, published }),
    buildTopicArticle({ id: 'btc1', title: 'Bitcoin at a high', label: 'Crypto', version: OLD.id, published }),
    buildTopicArticle({ id: 'btc2', title: 'Ether follows bitcoin', label: 'Crypto', version: NEW.id, published }),
  ];
  await store.writeRun(buildRun({ id: 'run-1', startedAt: published, articles }));
  const keys = redisKeys(config.prefix);
  await redis.hset(keys.classifierVersions, OLD.id, JSON.stringify(OLD), NEW.id, JSON.stringify(NEW));
  await redis.set(keys.currentClassifierVersion, NEW.id);
  const reports = new ReclassifyReports(redis, config.prefix);
  return { config, store, reports, origin: address, url: (p: string) => `${address}${p}` };
}

/** A dry run's report as the aggregator writes it: oil1 moves from Other to Oil or Gas, btc1 keeps Crypto. */
async function seedDryRun(s: Awaited<ReturnType<typeof serve>>, runId: string): Promise<ReclassifyReport> {
  const now = new Date().toISOString();
  const report = ReclassifyReportSchema.parse({
    runId,
    selection: { since: new Date(Date.now() - 7 * DAY_MS).toISOString(), until: now, dryRun: true },
    startedAt: now,
    finishedAt: now,
    finalisedBy: 'aggregator',
    counts: { selected: 2, classified: 2, failed: 0, compared: 2, agreed: 1, changed: 1 },
    fromVersions: { [OLD.id]: 2 },
    toVersions: { [NEW.id]: 2 },
    perLabel: {
      Other: { before: 1, after: 0, agreed: 0 },
      'Oil or Gas': { before: 0, after: 1, agreed: 0 },
      Crypto: { before: 1, after: 1, agreed: 1 },
    },
    confusion: { Other: { 'Oil or Gas': 1 }, Crypto: { Crypto: 1 } },
    changes: [{ articleId: 'oil1', title: 'Crude slides on supply', from: 'Other', to: 'Oil or Gas', score: 0.8 }],
    failures: [],
    applied: null,
  });
  const results = new Map<string, ReclassifiedArticle>([
    [
      'oil1',
      { label: 'Oil or Gas', score: 0.8, scores: { 'Oil or Gas': 0.8, Other: 0.2 }, version: NEW.id, was: 'Other' },
    ],
    ['btc1', { label: 'Crypto', score: 0.9, scores: { Crypto: 0.9, Other: 0.1 }, version: NEW.id, was: 'Crypto' }],
  ]);
  await s.reports.addResults(runId, results);
  return s.reports.write(report);
}

describe('lineage and re-scoring over HTTP', () => {
  it('the page marks articles made by another classifier version, and the API names the current one', async () => {
    const s = await serve();
    const page = await (await fetch(s.url('/'))).text();
    const marked = (title: string) =>
      new RegExp(`${title}</a></h3>\\s*<p class="meta">[^\\n]*classified by an older version`).test(page);
    expect(page).toContain('Crude slides on supply');
    expect(marked('Crude slides on supply')).toBe(true);
    expect(marked('Bitcoin at a high')).toBe(true);
    expect(marked('Ether follows bitcoin')).toBe(false);
    expect(page).toContain(`classified by classifier version ${OLD.id}; the current one is ${NEW.id}`);

    const versions = await (await fetch(s.url('/api/classifier-versions'))).json();
    expect(versions.current).toBe(NEW.id);
    expect(versions.versions.map((v: { id: string }) => v.id).sort()).toEqual([OLD.id, NEW.id].sort());
    const articles = await (await fetch(s.url('/api/topics/Crypto/articles'))).json();
    expect(articles.articles.map((a: { id: string; version: string }) => [a.id, a.version]).sort()).toEqual([
      ['btc1', OLD.id],
      ['btc2', NEW.id],
    ]);
  });

  it('POST /api/reclassify starts one run, refuses a second (409) and a period past retention (400), each saying why', async () => {
    const s = await serve();
    const post = (body: unknown) =>
      fetch(s.url('/api/reclassify'), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const tooFar = await post({ since: '400d', dryRun: true });
    expect(tooFar.status).toBe(400);
    expect((await tooFar.json()).message).toContain('before the 30 days the store keeps (RETENTION_DAYS)');
    const future = await post({ since: '2999-01-01' });
    expect((await future.json()).message).toContain('is not in the past');
    const badTopic = await post({ since: '7d', topic: 'Weather' });
    expect((await badTopic.json()).message).toContain("--topic 'Weather' is not a stored label");

    const started = await post({ since: '7d', dryRun: true });
    expect(started.status).toBe(202);
    const { runId } = await started.json();
    expect(runId).toMatch(/^reclassify-/);
    const second = await post({ since: '7d' });
    expect(second.status).toBe(409);
    expect((await second.json()).message).toContain(`reclassify run ${runId} is still running`);
    // Still running (no loader here): the report answers 202 with its progress.
    const running = await fetch(s.url(`/api/reclassify/${runId}`));
    expect(running.status).toBe(202);
    expect((await running.json()).progress).toMatchObject({ runId, feeds: 1 });
    expect((await (await fetch(s.url('/api/reclassify'))).json()).active).toMatchObject({ runId });
  });

  it('applying a dry run writes its labels once, moves the article between topics, and answers with the counts', async () => {
    const s = await serve();
    const report = await seedDryRun(s, 'reclassify-dry-1');
    expect((await (await fetch(s.url('/api/reclassify/reclassify-dry-1'))).json()).counts.changed).toBe(1);
    const page = await (await fetch(s.url('/'))).text();
    expect(page).toContain('Apply 1 change');

    const apply = () => fetch(s.url('/api/reclassify/reclassify-dry-1/apply'), { method: 'POST' });
    const first = await apply();
    expect(first.status).toBe(200);
    const applied = (await first.json()).applied;
    expect(applied).toMatchObject({ changed: report.counts.changed, unchanged: report.counts.agreed, skipped: 0 });
    const [oil, btc] = await s.store.articlesById(['oil1', 'btc1']);
    expect(oil).toMatchObject({ label: 'Oil or Gas', version: NEW.id, reclassifiedBy: 'reclassify-dry-1' });
    expect(btc).toMatchObject({ label: 'Crypto', version: NEW.id });
    expect(await s.store.topicSizes()).toEqual({ Crypto: 2, 'Oil or Gas': 1, Other: 0 });
    expect((await (await apply()).json()).applied).toEqual(applied);
    expect(await (await fetch(s.url('/'))).text()).not.toContain('classified by an older version');
  });

  it('with a token, reading and writing need it; a foreign Origin cannot apply; a run id outside the pattern is refused', async () => {
    const s = await serve({ DASHBOARD_TOKEN: TOKEN });
    await seedDryRun(s, 'reclassify-dry-2');
    expect((await fetch(s.url('/api/reclassify'))).status).toBe(401);
    expect((await fetch(s.url('/api/classifier-versions'))).status).toBe(401);
    expect((await fetch(s.url('/api/reclassify/reclassify-dry-2/apply'), { method: 'POST' })).status).toBe(401);
    const foreign = await fetch(s.url('/api/reclassify/reclassify-dry-2/apply'), {
      method: 'POST',
      headers: { ...auth, origin: 'https://evil.example' },
    });
    expect(foreign.status).toBe(403);
    expect((await s.reports.read('reclassify-dry-2'))?.applied).toBeNull();
    const badId = await fetch(s.url('/api/reclassify/run-1%3Astore/apply'), { method: 'POST', headers: auth });
    expect(badId.status).toBe(400);
    // Without a session the page shows no reclassify form and no apply button.
    const page = await (await fetch(s.url('/'), { headers: auth })).text();
    expect(page).not.toContain('id="reclassify-form"');
    expect(page).not.toContain('Apply 1 change');
  });

  it("the page's form starts a run without JavaScript and a refusal comes back as a fixed notice", async () => {
    const s = await serve();
    const form = (days: string) =>
      fetch(s.url('/reclassify'), {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded', origin: s.origin },
        body: `days=${days}&dryRun=on`,
      });
    const started = await form('7');
    expect(started.status).toBe(303);
    const location = started.headers.get('location') ?? '';
    expect(location).toMatch(/\/\?started=reclassify-/);
    const busy = await form('7');
    expect(busy.headers.get('location')).toBe('/?refused=reclassify-busy');
    const page = await (await fetch(s.url('/?refused=reclassify-busy'))).text();
    expect(page).toContain('A reclassify run is already in progress: wait for its report.');
    expect(page).toContain('id="reclassify-form"');
  });
});
