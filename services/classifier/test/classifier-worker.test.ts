import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createLogger, EXIT_UNAVAILABLE, liveWorkers } from '@tidings/runtime';
import { type Article, ClassifyResultSchema, classifyJobId, JOB, QUEUE } from '@tidings/shared';
import {
  buildArticle,
  CNBC_FIXTURE,
  expectedTopic,
  fixtureArticles,
  type RawRunArticle,
  spawnService,
  storeRunArticles,
  TINY_MODEL_DIR,
  testConfig,
  testRedis,
  waitFor,
  waitForJobState,
} from '@tidings/testing';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Classifier, startClassifier } from '../src/classifier.js';

const logger = createLogger('test', { level: 'silent' });
const redis = testRedis();
afterAll(() => redis.quit());

/** Classify jobs as a read-feed job adds them: the articles in the run's hash, the jobs naming them by id. */
async function addClassifyJobs(
  queue: Queue,
  runId: string,
  articles: (Article | RawRunArticle)[],
  opts: { attempts?: number } = {},
): Promise<void> {
  await storeRunArticles(redis, queue.opts.prefix ?? '', runId, articles);
  await queue.addBulk(
    articles.map((a) => ({
      name: JOB.classify,
      data: { runId, articleId: a.id },
      opts: { jobId: classifyJobId(runId, a.id), ...opts },
    })),
  );
}

describe('classifier worker on a real queue', () => {
  const config = testConfig();
  const queue = new Queue(QUEUE.classify, { connection: redis, prefix: config.prefix });
  let classifier: Classifier;
  beforeAll(async () => {
    classifier = await startClassifier({ config, logger });
  });
  afterAll(async () => {
    await classifier.close();
    await queue.close();
  });

  it('classifies every fixture article into its expected topic, with a valid result', async () => {
    const articles = await fixtureArticles(CNBC_FIXTURE);
    await addClassifyJobs(queue, 'r1', articles);
    for (const article of articles) {
      const job = await waitForJobState(queue, `r1.${article.id}`, 'completed');
      const result = ClassifyResultSchema.parse(job.returnvalue);
      expect(result).toMatchObject({
        articleId: article.id,
        label: expectedTopic(article.title),
        model: 'tiny-nli',
        dtype: 'fp32',
      });
      expect(Object.keys(result.scores)).toEqual(config.zeroShot.labels);
      expect(result.worker).toBe(classifier.heartbeat.id);
    }
  });

  it.each([
    [
      'a key separator in the article id',
      { runId: 'r1', articleId: 'a:b' },
      /^bad classify job data: articleId: not an article id/,
    ],
    ['a traversal run id', { runId: '../r1', articleId: 'a1' }, /^bad classify job data: runId: not a run id/],
    [
      'the article itself (the old job shape)',
      { runId: 'r1', articleId: 'a1', article: buildArticle({ id: 'a1' }) },
      /^bad classify job data: .*Unrecognized key: "article"/,
    ],
  ])('fails a job with %s at once, without retries, saying why', async (_what, data, reason) => {
    const jobId = `bad-${Math.random().toString(36).slice(2)}`;
    await queue.add(JOB.classify, data, { jobId, attempts: 3 });
    const job = await waitForJobState(queue, jobId, 'failed');
    expect(job.attemptsMade).toBe(1);
    expect(job.failedReason).toMatch(reason);
  });

  it.each([
    [
      'no record in its run',
      'gone',
      undefined,
      "is not in the run's article hash: the job names an article its run never stored, or a run already written",
    ],
    ['a record that is not JSON', 'nojson', '{"id":', "has a record in the run's article hash that is not JSON"],
    [
      'a record that is not an article',
      'baddate',
      JSON.stringify({ ...buildArticle({ id: 'baddate' }), published: 'not a date' }),
      "has a record in the run's article hash that is not an article: published: Invalid ISO datetime",
    ],
    [
      "another article's record",
      'swapped',
      JSON.stringify(buildArticle({ id: 'other' })),
      "has the record of article other in the run's article hash",
    ],
  ])(
    'fails a job whose article has %s at once, without retries, naming the run and article',
    async (_what, id, record, reason) => {
      await storeRunArticles(redis, config.prefix, 'r2', record === undefined ? [] : [{ id, record }]);
      await queue.add(JOB.classify, { runId: 'r2', articleId: id }, { jobId: `r2.${id}`, attempts: 3 });
      const job = await waitForJobState(queue, `r2.${id}`, 'failed');
      expect(job.attemptsMade).toBe(1);
      expect(job.failedReason).toBe(`article ${id} of run r2 ${reason}`);
    },
  );

  it('reads the article of its own run, not another run holding the same id', async () => {
    await addClassifyJobs(queue, 'r3', [buildArticle({ id: 'same', title: 'OPEC cuts oil output' })]);
    await addClassifyJobs(queue, 'r4', [buildArticle({ id: 'same', title: 'Bitcoin falls below $80,000' })]);
    expect((await waitForJobState(queue, 'r3.same', 'completed')).returnvalue.label).toBe('Oil or Gas');
    expect((await waitForJobState(queue, 'r4.same', 'completed')).returnvalue.label).toBe('Crypto');
  });

  it('fails an article with neither title nor summary without retries', async () => {
    await addClassifyJobs(queue, 'r1', [buildArticle({ id: 'empty1', title: ' ', summary: '' })], { attempts: 3 });
    const job = await waitForJobState(queue, 'r1.empty1', 'failed');
    expect(job.attemptsMade).toBe(1);
    expect(job.failedReason).toBe('article empty1 has neither title nor summary: nothing to classify');
  });

  it('truncates an over-long article instead of failing it', async () => {
    const article = buildArticle({ id: 'long1', title: 'OPEC cuts oil output', summary: 'word '.repeat(5000) });
    await addClassifyJobs(queue, 'r1', [article]);
    const job = await waitForJobState(queue, 'r1.long1', 'completed');
    expect(job.returnvalue.label).toBe('Oil or Gas');
  });

  it('reports itself as a live worker', async () => {
    const workers = await liveWorkers(redis, config.prefix);
    expect(workers.map((w) => w.id)).toEqual([classifier.heartbeat.id]);
    expect(workers[0]).toMatchObject({ pid: process.pid, model: 'tiny-nli', dtype: 'fp32' });
  });
});

describe('classifier processes', () => {
  const article = (i: number) => buildArticle({ id: `a${i}`, title: `Bitcoin story ${i}`, summary: 'crypto' });

  it.each([
    [
      'a missing folder',
      () => '/nonexistent/tiny-nli',
      'the folder lacks config.json, tokenizer.json, tokenizer_config.json, onnx/model.onnx',
    ],
    [
      'a corrupt ONNX file',
      () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tidings-corrupt-'));
        fs.cpSync(TINY_MODEL_DIR, dir, { recursive: true });
        fs.writeFileSync(path.join(dir, 'onnx/model.onnx'), 'this is not a protobuf');
        return dir;
      },
      'the ONNX file cannot be read',
    ],
  ])(
    'with %s exit EX_UNAVAILABLE (69, left down by the supervisor) with one clear line and leave the jobs waiting',
    async (_name, makeDir, cause) => {
      const config = testConfig();
      const queue = new Queue(QUEUE.classify, { connection: redis, prefix: config.prefix });
      await queue.add(JOB.classify, { runId: 'r', articleId: article(1).id }, { jobId: 'waits' });
      const modelDir = makeDir();
      const proc = spawnService('classifier', {
        REDIS_URL: config.redis.url,
        TIDINGS_PREFIX: config.prefix,
        MODEL_DIR: modelDir,
      });
      const { code } = await proc.exited;
      expect(code).toBe(EXIT_UNAVAILABLE);
      const lines = proc
        .output()
        .trim()
        .split('\n')
        .filter((l) => l.startsWith('tidings classifier:'));
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain(`cannot load the NLI model: tried MODEL_DIR=${modelDir}`);
      expect(lines[0]).toContain(cause);
      expect(lines[0]).toContain('pnpm tidings models fetch');
      expect(proc.output()).not.toMatch(/\n\s+at /);
      expect(await queue.getJobState('waits')).toBe('waiting');
      await queue.close();
    },
  );

  it('two processes on one queue both take jobs, and no job is done twice', async () => {
    const config = testConfig();
    const queue = new Queue(QUEUE.classify, { connection: redis, prefix: config.prefix });
    const env = {
      REDIS_URL: config.redis.url,
      TIDINGS_PREFIX: config.prefix,
      MODEL_DIR: TINY_MODEL_DIR,
      CLASSIFIER_THREADS: '1',
    };
    const procs = [spawnService('classifier', env), spawnService('classifier', env)];
    await waitFor(async () => (await liveWorkers(redis, config.prefix)).length === 2, {
      what: 'two live classifiers',
      timeoutMs: 30_000,
    });
    const n = 60;
    await addClassifyJobs(
      queue,
      'r',
      Array.from({ length: n }, (_, i) => article(i)),
    );
    await waitFor(async () => (await queue.getJobCounts('completed')).completed === n, {
      what: `${n} completed jobs`,
      timeoutMs: 60_000,
    });
    const jobs = await queue.getJobs(['completed'], 0, n);
    // Started once and finished once: no job was picked up by both processes.
    expect(jobs.every((j) => j.attemptsStarted === 1 && j.attemptsMade === 1 && j.returnvalue.label === 'Crypto')).toBe(
      true,
    );
    const workers = new Set(jobs.map((j) => j.returnvalue.worker));
    expect(workers.size).toBe(2);
    await Promise.all(procs.map((p) => p.stop()));
    expect(await queue.getJobCounts('failed', 'active', 'waiting')).toEqual({ failed: 0, active: 0, waiting: 0 });
    expect(await liveWorkers(redis, config.prefix)).toEqual([]);
    await queue.close();
  });
});
