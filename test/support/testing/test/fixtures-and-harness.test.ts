import { spawnSync } from 'node:child_process';
import { ArticleSchema, RunSchema, TopicArticleSchema } from '@tidings/shared';
import { afterAll, describe, expect, it } from 'vitest';
import {
  buildArticle,
  buildClassifyResult,
  buildDigest,
  buildFeedReport,
  buildHeartbeat,
  buildProblem,
  buildRun,
  buildRunManifest,
  buildSubscriber,
  buildTopicArticle,
  ROOT,
  testConfig,
  testPrefix,
  testRedis,
  testRedisUrl,
} from '../src/index.js';

describe('fixture builders', () => {
  it.each([
    ['buildArticle', buildArticle],
    ['buildTopicArticle', buildTopicArticle],
    ['buildRun', buildRun],
    ['buildRunManifest', buildRunManifest],
    ['buildFeedReport', buildFeedReport],
    ['buildClassifyResult', buildClassifyResult],
    ['buildDigest', buildDigest],
    ['buildSubscriber', buildSubscriber],
    ['buildHeartbeat', buildHeartbeat],
    ['buildProblem', buildProblem],
  ] as const)('%s builds something its schema accepts from its defaults alone', (_name, build) => {
    expect(() => build()).not.toThrow();
  });

  it('keep every field a test overrides', () => {
    const article = buildTopicArticle({ id: 'x1', label: 'IPO', score: 0.4, runId: 'r9', title: 'T' });
    expect(article).toMatchObject({
      id: 'x1',
      label: 'IPO',
      score: 0.4,
      runId: 'r9',
      title: 'T',
      scores: { IPO: 0.4 },
    });
    expect(buildTopicArticle({ scores: { IPO: 0.1 } }).scores).toEqual({ IPO: 0.1 });
  });

  it('refuse what no producer could write, naming the field', () => {
    expect(() => buildArticle({ id: '../etc' })).toThrow(/id/);
    expect(() => buildArticle({ published: 'yesterday' })).toThrow(/published/);
    expect(() => buildRun({ id: 'run 1' })).toThrow(/id/);
    expect(() => buildRunManifest({ runId: '/tmp/x' })).toThrow(/runId/);
    expect(() => buildFeedReport({ fetched: -1 })).toThrow(/fetched/);
    expect(() => buildSubscriber({ name: ' ' })).toThrow(/name/);
  });

  it('return what the schema accepts as given, so tests of what cleans it still see it', () => {
    const article = buildArticle({ link: 'javascript:alert(1)' });
    expect(article.link).toBe('javascript:alert(1)');
    expect(ArticleSchema.parse(article).link).toBe('');
  });

  it('build a run whose counts and topics follow its articles and failures', () => {
    const articles = [
      buildTopicArticle({ id: 'c1', label: 'Crypto' }),
      buildTopicArticle({ id: 's1', label: 'Stock' }),
      buildTopicArticle({ id: 'c2', label: 'Crypto' }),
    ];
    const run = buildRun({
      articles,
      startedAt: '2026-11-24T06:00:00.000Z',
      durationMs: 1500,
      failures: [{ articleId: 'f1', title: 'F', reason: 'boom' }],
    });
    expect(RunSchema.parse(run)).toEqual(run);
    expect(run.counts).toEqual({ fetched: 4, new: 4, classified: 3, failed: 1 });
    expect(run.finishedAt).toBe('2026-11-24T06:00:01.500Z');
    expect(run.topics.map((g) => [g.label, g.count, g.articles.map((a) => a.id)])).toEqual([
      ['Crypto', 2, ['c1', 'c2']],
      ['Stock', 1, ['s1']],
    ]);
    for (const a of run.topics.flatMap((g) => g.articles)) expect(TopicArticleSchema.parse(a)).toEqual(a);
  });

  it('give fresh article ids when none is asked for', () => {
    expect(buildArticle().id).not.toBe(buildArticle().id);
  });
});

describe('the harness', () => {
  const redis = testRedis();
  afterAll(() => redis.quit());

  it("never touches the machine's Redis on 6379: the suite's own server, on a free port", async () => {
    const url = new URL(testRedisUrl());
    expect(url.hostname).toBe('127.0.0.1');
    expect(url.port).not.toBe('6379');
    expect(testConfig().redis.url).toBe(testRedisUrl());
    const info = await redis.info('server');
    expect(info).toContain(`tcp_port:${url.port}`);
  });

  it('loads outside vitest too, as the fault suite and the bench import it', () => {
    const script = "import('@tidings/testing').then((t) => console.log(t.buildRun().id, typeof t.waitFor))";
    const { VITEST: _vitest, VITEST_POOL_ID: _pool, VITEST_WORKER_ID: _worker, ...env } = process.env;
    const result = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: ROOT,
      env,
      encoding: 'utf8',
    });
    expect(result.stderr).toBe('');
    expect(result.stdout.trim()).toBe('run-1 function');
  });

  it('gives each test a prefix of its own', () => {
    const prefixes = new Set(Array.from({ length: 50 }, () => testPrefix()));
    expect(prefixes.size).toBe(50);
    expect(testConfig().prefix).not.toBe(testConfig().prefix);
  });
});
