/**
 * What a job, a feed or a feed URL can make the loader do, against a real loader process,
 * real Redis and real HTTP servers on loopback. A job is written straight into the `feeds`
 * queue, the way Bull Board or anyone with Redis access can.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startFeedServer } from '@tidings/feed-fixtures';
import { freePort, jobSigningKey, privateAddressReason } from '@tidings/runtime';
import {
  type FeedReport,
  grantFeedRead,
  JOB,
  QUEUE,
  readFeedJobId,
  redisKeys,
  signRunRequestJob,
} from '@tidings/shared';
import {
  buildRunManifest,
  CNBC_FIXTURE,
  type ServiceProcess,
  spawnService,
  testConfig,
  testRedis,
  waitFor,
  waitForJobState,
} from '@tidings/testing';
import { type Job, Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFeed } from '../src/read-feed.js';
import { loadedRun } from './loaded-run.js';

const cnbc = fs.readFileSync(CNBC_FIXTURE, 'utf8');
const HOSTILE_LINKS = `<?xml version="1.0"?><rss version="2.0"><channel><title>h</title><link>https://h.example/</link>
<item><title>script</title><guid>1</guid><link>javascript:alert(document.cookie)</link></item>
<item><title>data</title><guid>2</guid><link>data:text/html,&lt;script&gt;alert(1)&lt;/script&gt;</link></item>
<item><title>vb</title><guid>3</guid><link>vbscript:msgbox(1)</link></item>
<item><title>file</title><guid>4</guid><link>file:///etc/passwd</link></item>
<item><title>with a password</title><guid>5</guid><link>https://u:p@h.example/story</link></item>
<item><title>fine</title><guid>6</guid><link>https://h.example/story?id=1</link></item>
</channel></rss>`;

let authorization: string | undefined;
const server = await startFeedServer({
  '/feed': (_req, res) => void res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(cnbc),
  '/private-feed': (req, res) => {
    authorization = req.headers.authorization;
    res.writeHead(200, { 'content-type': 'application/rss+xml', etag: '"v1"' }).end(cnbc);
  },
  '/links': (_req, res) => void res.writeHead(200).end(HOSTILE_LINKS),
  '/passwd': (_req, res) => void res.writeHead(200).end('root:x:0:0:root:/root:/bin/bash\n'),
  '/hop': (_req, res) => void res.writeHead(302, { location: `http://127.0.0.2:${serverPort()}/feed` }).end(),
});
const serverPort = () => Number(new URL(server.url('/')).port);

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tidings-loader-security-'));
// A secret the loader must never read for a job: its content must not show up anywhere.
const secretFile = path.join(dataDir, 'id_rsa');
fs.writeFileSync(secretFile, 'root-canary-secret-key-material\n');
// By name, not IP: a socket kept open for it must not carry a job's request to the same host.
const operatorUrl = server.url('/private-feed').replace('http://127.0.0.1', 'http://reader:s3cretpass@localhost');
const config = testConfig({ DATA_DIR: dataDir, FETCH_RETRIES: '0' });
const redis = testRedis();
const feeds = new Queue(QUEUE.runRequests, { connection: redis, prefix: config.prefix });
const aggregate = new Queue(QUEUE.aggregate, { connection: redis, prefix: config.prefix });
let loader: ServiceProcess;

beforeAll(async () => {
  loader = spawnService('loader', {
    REDIS_URL: config.redis.url,
    TIDINGS_PREFIX: config.prefix,
    DATA_DIR: dataDir,
    FEED_URLS: `${operatorUrl}?token=t0k3nvalue,${CNBC_FIXTURE}`,
    FETCH_RETRIES: '0',
    DIGEST_CRON: '0 6 1 1 *',
    LOG_LEVEL: 'debug',
  });
  await waitFor(() => loader.output().includes('loader ready') || undefined, { what: 'the loader', timeoutMs: 30_000 });
});

afterAll(async () => {
  await loader.stop();
  await feeds.close();
  await aggregate.close();
  await redis.quit();
  await server.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

let seq = 0;
/** A `feeds` job as Bull Board would add it: straight into the queue, no check on the way in. */
async function addRaw(data: Record<string, unknown>): Promise<string> {
  const jobId = `hostile-${++seq}-${Date.now()}`;
  await feeds.add(JOB.startRun, data, { jobId, attempts: 1 });
  return jobId;
}

async function settled(jobId: string): Promise<Job> {
  return waitFor(
    async () => {
      const state = await feeds.getJobState(jobId);
      return state === 'completed' || state === 'failed' ? feeds.getJob(jobId) : undefined;
    },
    { what: `feeds job ${jobId} to settle` },
  ) as Promise<Job>;
}

const runOf = (runId: string) => loadedRun(redis, config.prefix, runId);

describe('a feeds job names only what it may read', () => {
  it.each([
    ['a local path', secretFile],
    ['a file:// URL', `file://${secretFile}`],
    ['/etc/shadow', '/etc/shadow'],
    ['/root/.ssh/id_rsa', '/root/.ssh/id_rsa'],
    ['a relative path', 'fixtures/feeds/cnbc-finance.xml'],
  ])('refuses %s in an unsigned job: nothing read, no run, the field named', async (_name, feed) => {
    const jobId = await addRaw({ trigger: 'manual', feeds: [feed] });
    const job = await settled(jobId);
    expect(await job.getState()).toBe('failed');
    expect(job.failedReason).toBe(
      'bad feeds job data: feeds.0: not an http(s) URL (a local file is read only when FEED_URLS names it or `tidings run` asks for it)',
    );
    expect(await aggregate.getJob(jobId)).toBeUndefined();
    expect(job.failedReason).not.toMatch(/canary|ENOENT|EACCES|Char/);
  });

  it('refuses a job whose signature was not made with this host’s key', async () => {
    const forged = signRunRequestJob(Buffer.from('0'.repeat(64), 'hex'), 'whatever', {
      trigger: 'manual',
      feeds: [secretFile],
    });
    const jobId = await addRaw({ trigger: 'manual', feeds: [secretFile], signature: forged });
    const job = await settled(jobId);
    expect(await job.getState()).toBe('failed');
    expect(job.failedReason).toMatch(/^bad feeds job data: signature: does not match this host's job-signing key \(/);
    expect(await aggregate.getJob(jobId)).toBeUndefined();
  });

  it('refuses a valid signature copied onto another job (it covers the job id)', async () => {
    const key = jobSigningKey(dataDir, { create: true }) as Buffer;
    const signature = signRunRequestJob(key, 'the-original-job', {
      trigger: 'manual',
      feeds: [CNBC_FIXTURE],
      reclassify: false,
    });
    const jobId = await addRaw({ trigger: 'manual', feeds: [CNBC_FIXTURE], reclassify: false, signature });
    const job = await settled(jobId);
    expect(job.failedReason).toMatch(/signature: does not match/);
  });

  it('refuses every signature when the key file is empty (a key anyone could guess)', async () => {
    const emptyKeyDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tidings-empty-key-'));
    fs.writeFileSync(path.join(emptyKeyDir, 'job-signing.key'), '', { mode: 0o600 });
    const prefix = `${config.prefix}e`;
    const other = spawnService('loader', {
      REDIS_URL: config.redis.url,
      TIDINGS_PREFIX: prefix,
      DATA_DIR: emptyKeyDir,
      FEED_URLS: CNBC_FIXTURE,
      DIGEST_CRON: '0 6 1 1 *',
    });
    const queue = new Queue(QUEUE.runRequests, { connection: redis, prefix });
    try {
      const data = { trigger: 'manual' as const, feeds: [secretFile], reclassify: false };
      await queue.add(
        JOB.startRun,
        { ...data, signature: signRunRequestJob(Buffer.alloc(0), 'empty', data) },
        { jobId: 'empty' },
      );
      const job = await waitForJobState(queue, 'empty', 'failed', 30_000);
      expect(job.failedReason).toMatch(/job-signing\.key: holds no usable secret \(under 32 characters\)/);
      expect(job.returnvalue).toBeFalsy();
    } finally {
      await other.stop();
      await queue.close();
      fs.rmSync(emptyKeyDir, { recursive: true, force: true });
    }
  });

  it('reads a local file for a job signed with the key in DATA_DIR, as `tidings run --feed` signs it', async () => {
    const key = jobSigningKey(dataDir, { create: true }) as Buffer;
    expect(fs.statSync(path.join(dataDir, 'job-signing.key')).mode & 0o777).toBe(0o600);
    const jobId = `signed-${Date.now()}`;
    const data = { trigger: 'manual' as const, feeds: [CNBC_FIXTURE], reclassify: true };
    await feeds.add(JOB.startRun, { ...data, signature: signRunRequestJob(key, jobId, data) }, { jobId });
    const run = await runOf(jobId);
    expect(run.feeds).toMatchObject([{ url: CNBC_FIXTURE, status: 'ok', kept: 12 }]);
  });

  it.each([
    ['unknown fields', { trigger: 'manual', feeds: ['https://x.example/'], extra: 1 }, /unrecognized key/i],
    ['a feed of 1 MB', { trigger: 'manual', feeds: [`https://x.example/${'a'.repeat(1 << 20)}`] }, /feeds\.0: Too big/],
    ['60 feeds', { trigger: 'manual', feeds: Array(60).fill('https://x.example/') }, /feeds: Too big/],
    ['a signature that is not hex', { trigger: 'manual', signature: 'abc' }, /signature: not a hex HMAC-SHA256/],
  ])('fails a job with %s at once, naming the field', async (_name, data, reason) => {
    const job = await settled(await addRaw(data));
    expect(job.failedReason).toMatch(reason);
    expect(job.attemptsMade).toBe(1);
  });
});

describe('a read-feed job added straight to its queue reads only what it may', () => {
  const readFeedQueue = new Queue(QUEUE.readFeed, { connection: redis, prefix: config.prefix });
  afterAll(() => readFeedQueue.close());

  /** Adds one read-feed job as anyone with Redis access can; returns its report once read. */
  async function readRaw(feed: string, grant?: (jobId: string) => string) {
    const runId = `rf-${++seq}-${Date.now()}`;
    const jobId = readFeedJobId(runId, 0);
    const data = { runId, index: 0, feed, reclassify: true, ...(grant ? { grant: grant(jobId) } : {}) };
    await readFeedQueue.add(JOB.readFeed, data, { jobId, attempts: 1 });
    const job = await waitForJobState(readFeedQueue, jobId, 'completed', 30_000);
    return { runId, report: job.returnvalue as FeedReport };
  }

  it.each([
    ['a local path', secretFile],
    ['a file:// URL', `file://${secretFile}`],
    ['/etc/shadow', '/etc/shadow'],
  ])('refuses %s without a grant: nothing read, nothing added', async (_name, feed) => {
    const { runId, report } = await readRaw(feed);
    expect(report).toMatchObject({ status: 'failed', kept: 0, error: { code: 'FEED_NOT_ALLOWED' } });
    expect(JSON.stringify(report)).not.toMatch(/canary|ENOENT|EACCES|Char/);
    expect(await redis.exists(redisKeys(config.prefix).runArticles(runId))).toBe(0);
  });

  it('refuses a loopback URL without a grant, without connecting', async () => {
    const before = server.hits('/feed');
    const { report } = await readRaw(server.url('/feed'));
    expect(report).toMatchObject({ status: 'failed', error: { code: 'FEED_ADDRESS_REFUSED' } });
    expect(server.hits('/feed')).toBe(before);
  });

  it('refuses a grant made with another key, or copied from another job', async () => {
    const forged = await readRaw(secretFile, (jobId) => grantFeedRead(Buffer.alloc(32, 1), jobId, secretFile));
    expect(forged.report.error?.code).toBe('FEED_NOT_ALLOWED');
    const key = jobSigningKey(dataDir, { create: true }) as Buffer;
    const copied = await readRaw(secretFile, () => grantFeedRead(key, 'rf-original.feed-0', secretFile));
    expect(copied.report.error?.code).toBe('FEED_NOT_ALLOWED');
  });

  it('reads a granted file, as a run that `tidings run --feed` signed grants it', async () => {
    const key = jobSigningKey(dataDir, { create: true }) as Buffer;
    const aggregateJob = `granted-${Date.now()}`;
    // A parent for the articles to join, as the loader's run flow gives them.
    await aggregate.add(
      JOB.aggregateRun,
      buildRunManifest({ runId: aggregateJob, startedAt: new Date().toISOString() }),
      { jobId: aggregateJob, delay: 60_000 },
    );
    const jobId = readFeedJobId(aggregateJob, 0);
    await readFeedQueue.add(
      JOB.readFeed,
      {
        runId: aggregateJob,
        index: 0,
        feed: CNBC_FIXTURE,
        reclassify: true,
        grant: grantFeedRead(key, jobId, CNBC_FIXTURE),
      },
      { jobId, attempts: 1 },
    );
    const job = await waitForJobState(readFeedQueue, jobId, 'completed', 30_000);
    expect(job.returnvalue).toMatchObject({ url: CNBC_FIXTURE, status: 'ok', kept: 12 });
  });
});

describe('feeds named in a job may not reach this host or its networks', () => {
  it.each([
    ['an IP literal', () => server.url('/feed')],
    [
      'a name that resolves to loopback (checked after DNS)',
      () => server.url('/feed').replace('127.0.0.1', 'localhost'),
    ],
    ['IPv4-mapped IPv6 loopback', () => server.url('/feed').replace('127.0.0.1', '[::ffff:127.0.0.1]')],
    ['the cloud metadata address', () => 'http://169.254.169.254/latest/meta-data/'],
  ])('refuses %s without connecting', async (_name, url) => {
    const before = server.hits('/feed');
    const jobId = await addRaw({ trigger: 'manual', feeds: [url()], reclassify: true });
    const run = await runOf(jobId);
    expect(run.feeds[0]).toMatchObject({ status: 'failed', error: { code: 'FEED_ADDRESS_REFUSED' } });
    expect(run.feeds[0]?.error?.message).toMatch(
      /it leads to a loopback, private, link-local or metadata address, which only feeds named in FEED_URLS may reach/,
    );
    expect(run.articles).toEqual([]);
    expect(server.hits('/feed')).toBe(before);
  });

  it('reads a private address the operator named in FEED_URLS, with its credentials, and shows them masked', async () => {
    const jobId = await addRaw({ trigger: 'manual', reclassify: true });
    const run = await runOf(jobId);
    expect(authorization).toBe(`Basic ${Buffer.from('reader:s3cretpass').toString('base64')}`);
    const masked = `http://****:****@localhost:${serverPort()}/private-feed?token=****`;
    expect(run.feeds.map((f) => [f.url, f.status])).toEqual([
      [masked, 'ok'],
      [CNBC_FIXTURE, 'ok'],
    ]);
    // The fixture's articles were seen by an earlier run of this suite; the private feed's are new.
    expect(new Set(run.articles.map((a) => a.feed))).toEqual(new Set([masked]));
    // The logs (debug level, every line) never carry the credentials either.
    await waitFor(() => loader.output().includes(jobId) || undefined, { what: 'the run in the log' });
    expect(loader.output()).toContain('****:****@localhost');
    expect(JSON.stringify(run) + loader.output()).not.toMatch(/s3cretpass|t0k3nvalue/);
    // Nor do Redis key names, which SCAN, MONITOR and every Redis tool show.
    const keys = await redis.keys(`${config.prefix}:*`);
    expect(keys.some((k) => k.includes('feed-validators'))).toBe(true);
    expect(keys.filter((k) => /s3cretpass|t0k3nvalue/.test(k))).toEqual([]);
  });

  it('refuses a job’s feed to the host of an operator’s private feed right after reading it', async () => {
    await runOf(await addRaw({ trigger: 'manual', reclassify: true }));
    const before = server.hits('/feed');
    const url = server.url('/feed').replace('127.0.0.1', 'localhost');
    const run = await runOf(await addRaw({ trigger: 'manual', feeds: [url], reclassify: true }));
    expect(run.feeds[0]).toMatchObject({ status: 'failed', error: { code: 'FEED_ADDRESS_REFUSED' } });
    expect(server.hits('/feed')).toBe(before);
  });

  it('with FEED_ALLOW_PRIVATE=true, reads a private address a job names', async () => {
    const prefix = `${config.prefix}p`;
    const allowing = spawnService('loader', {
      REDIS_URL: config.redis.url,
      TIDINGS_PREFIX: prefix,
      DATA_DIR: dataDir,
      FEED_URLS: CNBC_FIXTURE,
      FEED_ALLOW_PRIVATE: 'true',
      DIGEST_CRON: '0 6 1 1 *',
    });
    const queue = new Queue(QUEUE.runRequests, { connection: redis, prefix });
    try {
      await queue.add(JOB.startRun, { trigger: 'manual', feeds: [server.url('/feed')] }, { jobId: 'allowed' });
      const run = await loadedRun(redis, prefix, 'allowed');
      expect(run.feeds).toMatchObject([{ url: server.url('/feed'), status: 'ok', kept: 12 }]);
    } finally {
      await allowing.stop();
      await queue.close();
    }
  });
});

describe('what a feed can put into a run', () => {
  it('keeps only http(s) article links, without credentials; titles stay text', async () => {
    // The feed server is on loopback: a job may name it only with the operator's signature.
    const key = jobSigningKey(dataDir, { create: true }) as Buffer;
    const signedId = `links-${Date.now()}`;
    const data = { trigger: 'manual' as const, feeds: [server.url('/links')], reclassify: true };
    await feeds.add(JOB.startRun, { ...data, signature: signRunRequestJob(key, signedId, data) }, { jobId: signedId });
    const run = await runOf(signedId);
    const byTitle = (a: [string, string], b: [string, string]) => a[0].localeCompare(b[0]);
    expect(run.articles.map((a): [string, string] => [a.title, a.link]).sort(byTitle)).toEqual(
      (
        [
          ['script', ''],
          ['data', ''],
          ['vb', ''],
          ['file', ''],
          ['with a password', 'https://h.example/story'],
          ['fine', 'https://h.example/story?id=1'],
        ] as [string, string][]
      ).sort(byTitle),
    );
  });
});

describe('feed errors in run reports say what failed in words', () => {
  const untrusted = { untrusted: {}, summaryMaxChars: 1000, retries: 0, backoffMs: 1 };

  it('never echoes the bytes of a document that is not a feed', async () => {
    const { report } = await readFeed(server.url('/passwd'), untrusted);
    expect(report.error?.code).toMatch(/^FEED_(MALFORMED|NOT_A_FEED)$/);
    expect(report.error?.message).not.toMatch(/Char|Line|Column|root|bash/);
  });

  it('does not tell a closed port from an open one', async () => {
    const { report, error } = await readFeed(`http://127.0.0.1:${await freePort()}/feed`, untrusted);
    expect(report.error).toEqual({
      code: 'FEED_NETWORK',
      message: expect.stringMatching(/: network error: no usable answer from the server$/),
    });
    // The operator's log still gets the detail.
    expect(error?.message).toMatch(/ECONNREFUSED/);
  });

  it('checks every redirect, not only the first address', async () => {
    const before = server.hits('/feed');
    // 127.0.0.1 (the test server) is let through here, so what refuses 127.0.0.2 is the check on the redirect.
    const policy = (address: string) => (address === '127.0.0.1' ? undefined : privateAddressReason(address));
    const { report } = await readFeed(server.url('/hop'), { ...untrusted, untrusted: { addressPolicy: policy } });
    expect(report.error?.code).toBe('FEED_ADDRESS_REFUSED');
    expect(report.error?.message).toMatch(/a redirect leads to a loopback, private/);
    expect(server.hits('/feed')).toBe(before);
  });
});
