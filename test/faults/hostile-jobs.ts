/**
 * Hostile jobs written straight into every queue (feeds, read-feed, classify, aggregate), as Bull Board
 * or anyone with Redis access can, against real loader, classifier and aggregator processes:
 * local files, file:// and private addresses as feeds, forged signatures, traversal run ids,
 * script links, oversized and malformed payloads. Passes when nothing was read, nothing was
 * written outside DATA_DIR, every worker is still running, and a normal run afterwards
 * finishes with nothing lost.
 *
 * Importing this module registers the scenario with the fault suite (one line in
 * run-faults.ts); `node --import tsx test/faults/hostile-jobs.ts` runs it alone.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { startFeedServer, writeGeneratedFeed } from '@tidings/feed-fixtures';
import { type Article, type ClassifyJob, type FeedReport, JOB, QUEUE, type RunManifest } from '@tidings/shared';
import { addRunFlow, buildArticle, buildRunManifest, storeRunArticles, waitFor } from '@tidings/testing';
import { type Job, Queue } from 'bullmq';
import { FaultStack, type Row } from './fault-stack.js';
import { SCENARIOS, type Scenario } from './scenarios.js';

const NAME = '10 hostile jobs in every queue';
const ARTICLES = 6;
const BIG = 'x'.repeat(8 * 1024 * 1024);

interface Hostile {
  queue: 'feeds' | 'read-feed' | 'classify' | 'aggregate';
  what: string;
  data: unknown;
  jobId?: string;
  /**
   * refused: the job fails at the worker with its field named; refused-feeds: a feeds job whose
   * run reports each feed refused; refused-read: a read-feed job that completes with its feed
   * refused in its report; link-dropped: the job completes and the article is kept, with ""
   * for its link; poison: a classify job whose article its run's hash lacks or cannot give
   * fails at once, naming the run and article.
   */
  outcome: 'refused' | 'refused-feeds' | 'refused-read' | 'link-dropped' | 'poison';
  /** The run's articles, stored in its hash as its read-feed jobs would (aggregate: as a whole run). */
  articles?: Article[];
}

/** A valid article with the hostile fields spread over it (they are what the services must refuse or clean). */
function article(overrides: Partial<Article> = {}): Article {
  return {
    ...buildArticle({
      id: 'a1',
      feed: 'https://a.example/rss',
      title: 'Stocks rally',
      link: 'https://a.example/story',
    }),
    ...overrides,
  };
}

function manifest(runId: string): RunManifest {
  return { ...buildRunManifest({ startedAt: new Date().toISOString() }), runId };
}

const read = (feed: string, extra: Record<string, unknown> = {}) => ({
  runId: 'hostile-read',
  index: 0,
  feed,
  reclassify: true,
  ...extra,
});

function hostileJobs(canaryFile: string, canaryUrl: string): Hostile[] {
  const localhostUrl = canaryUrl.replace('127.0.0.1', 'localhost');
  return [
    { queue: 'feeds', what: 'a local file', data: { trigger: 'manual', feeds: [canaryFile] }, outcome: 'refused' },
    {
      queue: 'feeds',
      what: 'a file:// URL',
      data: { trigger: 'manual', feeds: [`file://${canaryFile}`] },
      outcome: 'refused',
    },
    { queue: 'feeds', what: '/etc/shadow', data: { trigger: 'manual', feeds: ['/etc/shadow'] }, outcome: 'refused' },
    {
      queue: 'feeds',
      what: '/root/.ssh/id_rsa',
      data: { trigger: 'manual', feeds: ['/root/.ssh/id_rsa'] },
      outcome: 'refused',
    },
    {
      queue: 'feeds',
      what: 'a local file with a forged signature',
      data: { trigger: 'manual', feeds: [canaryFile], signature: 'ab'.repeat(32) },
      outcome: 'refused',
    },
    {
      queue: 'feeds',
      what: 'loopback, localhost and metadata addresses',
      data: { trigger: 'manual', feeds: [canaryUrl, localhostUrl, 'http://169.254.169.254/latest/meta-data/'] },
      outcome: 'refused-feeds',
    },
    {
      queue: 'feeds',
      what: 'an 8 MB feed URL',
      data: { trigger: 'manual', feeds: [`https://a.example/${BIG}`] },
      outcome: 'refused',
    },
    { queue: 'feeds', what: 'a string payload', data: 'not a job', outcome: 'refused' },
    { queue: 'feeds', what: 'unknown fields', data: { trigger: 'manual', run: 'rm -rf /' }, outcome: 'refused' },
    { queue: 'read-feed', what: 'a local file', data: read(canaryFile), outcome: 'refused-read' },
    {
      queue: 'read-feed',
      what: 'a local file with a forged grant',
      data: read(canaryFile, { grant: 'ab'.repeat(32) }),
      jobId: 'hostile-read.feed-0',
      outcome: 'refused-read',
    },
    { queue: 'read-feed', what: 'a loopback URL', data: read(canaryUrl), outcome: 'refused-read' },
    {
      queue: 'read-feed',
      what: 'a traversal run id',
      data: read(canaryUrl, { runId: '../../pwned' }),
      outcome: 'refused',
    },
    { queue: 'read-feed', what: 'an 8 MB feed', data: read(`https://a.example/${BIG}`), outcome: 'refused' },
    { queue: 'read-feed', what: 'unknown fields', data: read(canaryUrl, { exec: 'sh' }), outcome: 'refused' },
    // A classify job carries ids; its article is read from its run's hash, so hostile ids and hostile records.
    {
      queue: 'classify',
      what: 'a traversal run id',
      data: { runId: '../../pwned', articleId: 'a1' },
      outcome: 'refused',
    },
    {
      queue: 'classify',
      what: 'a traversal article id',
      data: { runId: 'r1', articleId: '../../pwned' },
      outcome: 'refused',
    },
    {
      queue: 'classify',
      what: 'a key separator in the article id',
      data: { runId: 'r1', articleId: 'a1:x' },
      outcome: 'refused',
    },
    {
      queue: 'classify',
      what: 'a javascript: link in its record',
      data: { runId: 'r1', articleId: 'a1' },
      articles: [article({ link: 'javascript:alert(1)' })],
      outcome: 'link-dropped',
    },
    {
      queue: 'classify',
      what: 'an 8 MB title in its record',
      data: { runId: 'r2', articleId: 'a1' },
      articles: [article({ title: BIG })],
      outcome: 'poison',
    },
    {
      queue: 'classify',
      what: 'an article not in its run',
      data: { runId: 'r1', articleId: 'ghost' },
      outcome: 'poison',
    },
    { queue: 'classify', what: 'a null payload', data: null, outcome: 'refused' },
    {
      queue: 'classify',
      what: 'the article itself in the job',
      data: { runId: 'r1', articleId: 'a1', article: article() },
      outcome: 'refused',
    },
    {
      queue: 'classify',
      what: 'unknown fields',
      data: { runId: 'r1', articleId: 'a1', exec: 'sh' },
      outcome: 'refused',
    },
    { queue: 'aggregate', what: 'a traversal run id', data: manifest('../../pwned'), outcome: 'refused' },
    { queue: 'aggregate', what: 'an absolute run id', data: manifest('/tmp/pwned'), outcome: 'refused' },
    {
      queue: 'aggregate',
      what: 'a data: link',
      data: manifest('links'),
      articles: [article({ link: 'data:text/html,<script>alert(1)</script>' })],
      outcome: 'link-dropped',
    },
    {
      queue: 'aggregate',
      what: 'an 8 MB feed name',
      data: { ...manifest('big'), feeds: [BIG] },
      outcome: 'refused',
    },
    { queue: 'aggregate', what: 'an array payload', data: [1, 2, 3], outcome: 'refused' },
    { queue: 'aggregate', what: 'unknown fields', data: { ...manifest('extra'), path: '/etc' }, outcome: 'refused' },
    // A job id someone chose becomes the run id: it must come out as a safe one.
    {
      queue: 'feeds',
      what: 'a traversal job id',
      data: { trigger: 'manual', feeds: [canaryUrl] },
      jobId: '../../pwned',
      outcome: 'refused-feeds',
    },
  ];
}

/** Every file under `root` except those inside the given folders. */
function filesOutside(root: string, inside: string[]): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      if (inside.includes(file)) continue;
      if (entry.isDirectory()) walk(file);
      else found.push(path.relative(root, file));
    }
  };
  walk(root);
  return found.sort();
}

/** Every value in Redis under the prefix, to look for the canary in. */
async function everything(c: FaultStack): Promise<string> {
  const parts: string[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await c.client.scan(cursor, 'MATCH', `${c.prefix}:*`, 'COUNT', 500);
    cursor = next;
    for (const key of keys) {
      const type = await c.client.type(key);
      if (type === 'string') parts.push((await c.client.get(key)) ?? '');
      else if (type === 'hash') parts.push(JSON.stringify(await c.client.hgetall(key)));
      else if (type === 'list') parts.push(JSON.stringify(await c.client.lrange(key, 0, -1)));
    }
  } while (cursor !== '0');
  return parts.join('\n');
}

async function settled(queue: Queue, jobId: string): Promise<Job> {
  return (await waitFor(
    async () => {
      const state = await queue.getJobState(jobId);
      return state === 'completed' || state === 'failed' ? queue.getJob(jobId) : undefined;
    },
    { what: `${queue.name} job ${jobId} to settle`, timeoutMs: 60_000 },
  )) as Job;
}

async function run(): Promise<Row> {
  const canary = `CANARY-${randomBytes(8).toString('hex')}`;
  const server = await startFeedServer({ '/canary': (_q, r) => void r.end(canary) });
  const c = await new FaultStack({}).start();
  try {
    const canaryFile = path.join(c.dir, 'id_rsa');
    fs.writeFileSync(canaryFile, `${canary}\n`);
    const env = { FEED_URLS: writeGeneratedFeed(path.join(c.dir, 'operator.xml'), ARTICLES, { tag: 'op' }) };
    const dataDir = c.serviceEnv().DATA_DIR ?? '';
    fs.mkdirSync(dataDir, { recursive: true });
    const services = [c.spawn('loader', env), c.spawn('classifier', env), c.spawn('aggregator', env)];
    await c.waitForClassifiers(1);
    const before = filesOutside(c.dir, [dataDir, path.join(c.dir, 'redis')]);

    const problems: string[] = [];
    const readFeed = new Queue(QUEUE.readFeed, { connection: c.client, prefix: c.prefix });
    const queues = { feeds: c.runRequests, 'read-feed': readFeed, classify: c.classify, aggregate: c.aggregate };
    const names = {
      feeds: JOB.startRun,
      'read-feed': JOB.readFeed,
      classify: JOB.classify,
      aggregate: JOB.aggregateRun,
    };
    const cases = hostileJobs(canaryFile, server.url('/canary'));
    const added: { hostile: Hostile; jobId: string }[] = [];
    for (const [i, hostile] of cases.entries()) {
      const jobId = hostile.jobId ?? `hostile-${i}`;
      if (hostile.queue === 'aggregate' && hostile.outcome === 'link-dropped') {
        // As a whole run, so the article is classified and grouped, and its link shown if kept.
        const { runId } = hostile.data as RunManifest;
        await addRunFlow(
          c.client,
          c.prefix,
          runId,
          (hostile.articles ?? []).map((a) => ({ article: a })),
        );
        added.push({ hostile, jobId: runId });
        continue;
      }
      if (hostile.queue === 'classify' && hostile.articles)
        await storeRunArticles(c.client, c.prefix, (hostile.data as ClassifyJob).runId, hostile.articles);
      await queues[hostile.queue].add(names[hostile.queue], hostile.data, { jobId, attempts: 1 });
      added.push({ hostile, jobId });
    }
    for (const { hostile, jobId } of added) {
      const job = await settled(queues[hostile.queue], jobId);
      const state = await job.getState();
      if (hostile.outcome === 'link-dropped') {
        if (state !== 'completed') problems.push(`${hostile.queue} ${hostile.what}: ${state} (${job.failedReason})`);
      } else if (hostile.outcome === 'refused-feeds') {
        const runId = job.returnvalue?.runId as string | undefined;
        if (!runId || !/^[A-Za-z0-9][A-Za-z0-9_-]*$/.test(runId)) {
          problems.push(`${hostile.what}: run id ${runId}`);
          continue;
        }
        const feeds = (await c.waitForRun(runId, 60_000))?.feeds ?? [];
        if (
          state !== 'completed' ||
          feeds.length === 0 ||
          !feeds.every((f) => f.error?.code === 'FEED_ADDRESS_REFUSED')
        )
          problems.push(`${hostile.queue} ${hostile.what}: ${state}, feeds ${JSON.stringify(feeds)}`);
      } else if (hostile.outcome === 'refused-read') {
        const code = (job.returnvalue as FeedReport | undefined)?.error?.code ?? '';
        if (state !== 'completed' || !['FEED_NOT_ALLOWED', 'FEED_ADDRESS_REFUSED'].includes(code))
          problems.push(`${hostile.queue} ${hostile.what}: ${state}, ${JSON.stringify(job.returnvalue)}`);
      } else if (hostile.outcome === 'poison') {
        const { runId, articleId } = hostile.data as ClassifyJob;
        if (
          state !== 'failed' ||
          job.attemptsMade !== 1 ||
          !job.failedReason?.startsWith(`article ${articleId} of run ${runId} `)
        )
          problems.push(`${hostile.queue} ${hostile.what}: ${state} (${job.failedReason ?? 'no reason'})`);
      } else if (state !== 'failed' || !/^bad [\w-]+ job data: /.test(job.failedReason ?? '')) {
        problems.push(`${hostile.queue} ${hostile.what}: ${state} (${job.failedReason ?? 'no reason'})`);
      }
    }
    await readFeed.close();

    const snapshots = fs.existsSync(path.join(dataDir, 'runs'))
      ? fs.readdirSync(path.join(dataDir, 'runs')).map((f) => fs.readFileSync(path.join(dataDir, 'runs', f), 'utf8'))
      : [];
    if (/(javascript|data|vbscript|file):/.test(snapshots.join('\n')))
      problems.push('a script or data link reached a snapshot');
    const linksRun = snapshots.map((text) => JSON.parse(text).run).find((r) => r.id === 'links');
    const linksArticle = linksRun?.topics.flatMap((g: { articles: Article[] }) => g.articles)[0];
    if (linksArticle?.link !== '') problems.push(`the article with a data: link: ${JSON.stringify(linksArticle)}`);
    if (server.hits('/canary') > 0)
      problems.push(`the private canary URL was fetched ${server.hits('/canary')} time(s)`);
    if ((await everything(c)).includes(canary)) problems.push('the canary file reached Redis');
    const after = filesOutside(c.dir, [dataDir, path.join(c.dir, 'redis')]);
    const stray = after.filter((f) => !before.includes(f));
    if (stray.length > 0) problems.push(`written outside DATA_DIR: ${stray.join(', ')}`);
    if (fs.existsSync('/tmp/pwned.json')) problems.push('/tmp/pwned.json exists');
    const dead = services.filter((s) => s.child.exitCode !== null || s.child.signalCode !== null);
    if (dead.length > 0) problems.push(`${dead.length} service(s) exited: ${dead.map((d) => d.output().slice(-300))}`);
    if (problems.length > 0) throw new Error(problems.join('; '));

    // Still working: a normal run reads the operator's feed and loses nothing.
    const runId = await c.trigger({ reclassify: true });
    const finished = await c.waitForRun(runId);
    // Awaited here, not returned: the finally below stops the stack, and measuring reads it.
    return await c.measure(NAME, [finished], ARTICLES, {
      note: `${cases.length} hostile jobs (${cases.filter((h) => h.outcome === 'link-dropped').length} kept with "" for a script link, ${cases.filter((h) => h.outcome === 'poison').length} failed at once for an unreadable article, the rest refused); 0 files or private URLs read, 0 files outside DATA_DIR, 3/3 services up`,
    });
  } finally {
    await c.stop();
    await server.close();
  }
}

export const HOSTILE_JOBS: Scenario = { name: NAME, run, noControl: true };
SCENARIOS.push(HOSTILE_JOBS);

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  run()
    .then((row) => {
      process.stdout.write(`${JSON.stringify(row, null, 2)}\n`);
      process.exit(row.finished && row.lost === 0 && row.duplicated === 0 ? 0 : 1);
    })
    .catch((err: Error) => {
      process.stderr.write(`${NAME}: FAILED: ${err.message}\n`);
      process.exit(1);
    });
}
