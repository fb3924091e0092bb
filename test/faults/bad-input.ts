import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { classifyArticle, loadNliModel, modelSource } from '@tidings/classifier';
import { ClassifyJobSchema, describeZodError, LoadJobSchema, loadConfig } from '@tidings/contracts';
import { buildDashboard } from '@tidings/dashboard';
import { generatedFeed, startFeedServer } from '@tidings/feed-fixtures';
import { readFeed } from '@tidings/loader';
import { createLogger, startRedisServer } from '@tidings/runtime';
import { FIXTURES, TINY_MODEL_DIR } from '../paths.js';

export interface CorpusResult {
  name: string;
  kind: 'feed' | 'job' | 'api' | 'env';
  ok: boolean;
  message: string;
  peakRssMb: number;
}

interface Case {
  name: string;
  kind: CorpusResult['kind'];
  /** Returns the error (or outcome) a user sees. */
  run(): Promise<string>;
  expect: RegExp;
}

const fixture = (name: string) => fs.readFileSync(path.join(FIXTURES, 'feeds', name));
const XML_HEAD =
  '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>x</title><link>https://x.example/</link>';

async function measured(fn: () => Promise<string>): Promise<{ message: string; peak: number }> {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 5);
  try {
    return { message: await fn(), peak: Math.max(peak, process.memoryUsage().rss) };
  } catch (err) {
    return { message: `threw: ${(err as Error).message}`, peak };
  } finally {
    clearInterval(timer);
  }
}

export async function runCorpus(): Promise<CorpusResult[]> {
  let bigSent = 0;
  const server = await startFeedServer({
    '/bomb': (_q, r) => void r.end(fixture('entity-bomb.xml')),
    '/xxe': (_q, r) => void r.end(fixture('external-entity.xml')),
    '/html': (_q, r) => void r.writeHead(200, { 'content-type': 'text/html' }).end(fixture('html-page.html')),
    '/binary': (_q, r) => void r.end(crypto.randomBytes(64 * 1024)),
    '/truncated': (_q, r) => void r.end(fixture('truncated.xml')),
    '/not-a-feed': (_q, r) => void r.end(fixture('not-a-feed.xml')),
    '/empty': (_q, r) => void r.end(''),
    '/wrong-charset': (_q, r) =>
      void r.end(Buffer.from(`${XML_HEAD}<item><title>Börse Ölpreis</title></item></channel></rss>`, 'latin1')),
    '/unknown-charset': (_q, r) => void r.end('<?xml version="1.0" encoding="klingon-8"?><rss/>'),
    '/invalid-dates': (_q, r) =>
      void r.end(
        `${XML_HEAD}<item><title>a</title><guid>1</guid><pubDate>31 Febtember 20x6</pubDate></item><item><title>b</title><guid>2</guid><pubDate>0000-99-99</pubDate></item></channel></rss>`,
      ),
    '/ten-thousand': (_q, r) => void r.end(generatedFeed(10_000, { tag: 'big' })),
    '/huge-title': (_q, r) =>
      void r.end(`${XML_HEAD}<item><title>${'Headline '.repeat(120_000)}</title><guid>t</guid></item></channel></rss>`),
    '/fifty-mb': (_q, r) => {
      r.writeHead(200, { 'content-type': 'application/rss+xml' });
      const chunk = Buffer.alloc(256 * 1024, 'x');
      const pump = () => {
        while (bigSent < 50 * 1024 * 1024) {
          bigSent += chunk.length;
          if (!r.write(chunk)) return void r.once('drain', pump);
        }
        r.end();
      };
      pump();
    },
    '/gone': (_q, r) => void r.writeHead(404).end(),
    '/loop': (_q, r) => void r.writeHead(302, { location: '/loop' }).end(),
    '/never': () => {},
  });

  const feed = async (p: string) => {
    const { report, articles } = await readFeed(server.url(p), { summaryMaxChars: 1000, timeoutMs: 1_000, retries: 0 });
    if (report.error) return `${report.error.code}: ${report.error.message}`;
    const estimated = articles.filter((a) => a.publishedEstimated).length;
    const longest = Math.max(0, ...articles.map((a) => a.title.length));
    return `ok: kept ${articles.length}, ${estimated} dates estimated, longest title ${longest}`;
  };

  const model = await loadNliModel(
    modelSource(loadConfig({ MODEL_DIR: TINY_MODEL_DIR, CLASSIFIER_THREADS: '1' }).classifier),
    { threads: 1 },
  );
  const zeroShot = { labels: ['Crypto', 'Other'], hypothesisTemplate: 'This example is {}.', multiLabel: false };
  const article = {
    id: 'a',
    feed: 'f',
    title: 'T',
    summary: '',
    link: '',
    published: '2026-11-24T00:00:00Z',
    fetchedAt: '2026-11-24T00:00:00Z',
  };
  const job = async (data: unknown) => {
    try {
      const parsed = ClassifyJobSchema.safeParse(data);
      if (!parsed.success) return `BadJobError: ${describeZodError(parsed.error)}`;
      await classifyArticle(parsed.data, model, zeroShot);
      return 'accepted';
    } catch (err) {
      return `${(err as Error).name}: ${(err as Error).message}`;
    }
  };

  const redisDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tidings-corpus-'));
  const redis = await startRedisServer({ dir: redisDir });
  const { app } = await buildDashboard({
    config: loadConfig({ REDIS_URL: redis.url, LOG_LEVEL: 'silent' }),
    logger: createLogger('corpus', { level: 'silent' }),
  });
  const base = await app.listen({ host: '127.0.0.1', port: 0 });
  const api = async (pathName: string, init: RequestInit = {}) => {
    const res = await fetch(`${base}${pathName}`, init);
    const body = await res.text();
    return `${res.status} ${body}`;
  };
  const postRuns = (body: string) =>
    api('/api/runs', { method: 'POST', headers: { 'content-type': 'application/json' }, body });

  const env = (vars: Record<string, string>) => {
    try {
      loadConfig(vars);
      return 'accepted';
    } catch (err) {
      return (err as Error).message;
    }
  };

  const cases: Case[] = [
    {
      name: 'XML bomb (billion laughs)',
      kind: 'feed',
      run: () => feed('/bomb'),
      expect: /^FEED_UNSAFE_XML: .*declares XML entities/,
    },
    { name: 'external entity (XXE)', kind: 'feed', run: () => feed('/xxe'), expect: /^FEED_UNSAFE_XML: / },
    {
      name: '50 MB body',
      kind: 'feed',
      run: () => feed('/fifty-mb'),
      expect: /^FEED_TOO_LARGE: .*larger than FETCH_MAX_BYTES/,
    },
    { name: 'HTML page', kind: 'feed', run: () => feed('/html'), expect: /^FEED_NOT_A_FEED: .*HTML page/ },
    { name: 'binary body', kind: 'feed', run: () => feed('/binary'), expect: /^FEED_(BAD_ENCODING|MALFORMED): / },
    { name: 'truncated XML', kind: 'feed', run: () => feed('/truncated'), expect: /^FEED_MALFORMED: .*malformed/ },
    { name: 'XML that is not a feed', kind: 'feed', run: () => feed('/not-a-feed'), expect: /^FEED_NOT_A_FEED: / },
    { name: 'empty body', kind: 'feed', run: () => feed('/empty'), expect: /^FEED_(MALFORMED|NOT_A_FEED): / },
    {
      name: 'wrong charset (Latin-1 bytes declared UTF-8)',
      kind: 'feed',
      run: () => feed('/wrong-charset'),
      expect: /^FEED_BAD_ENCODING: .*not valid utf-8/,
    },
    {
      name: 'unknown charset',
      kind: 'feed',
      run: () => feed('/unknown-charset'),
      expect: /^FEED_BAD_ENCODING: .*unknown character encoding 'klingon-8'/,
    },
    {
      name: 'invalid dates',
      kind: 'feed',
      run: () => feed('/invalid-dates'),
      expect: /^ok: kept 2, 2 dates estimated/,
    },
    {
      name: '10 000 items',
      kind: 'feed',
      run: () => feed('/ten-thousand'),
      expect: /^ok: kept 10000, 0 dates estimated/,
    },
    {
      name: '1 MB title',
      kind: 'feed',
      run: () => feed('/huge-title'),
      expect: /^ok: kept 1, 1 dates estimated, longest title (29\d|300)$/,
    },
    { name: 'HTTP 404', kind: 'feed', run: () => feed('/gone'), expect: /^FEED_HTTP_STATUS: .*HTTP 404/ },
    { name: 'redirect loop', kind: 'feed', run: () => feed('/loop'), expect: /^FEED_TOO_MANY_REDIRECTS: / },
    {
      name: 'server that never answers',
      kind: 'feed',
      run: () => feed('/never'),
      expect: /^FEED_TIMEOUT: .*within 1000 ms/,
    },
    {
      name: 'classify job: not an object',
      kind: 'job',
      run: () => job('just a string'),
      expect: /^UnrecoverableError: bad classify job data: \(root\): Invalid input/,
    },
    {
      name: 'classify job: article without id',
      kind: 'job',
      run: () => job({ runId: 'r', article: { ...article, id: undefined } }),
      expect: /^UnrecoverableError: bad classify job data: article\.id: /,
    },
    {
      name: 'classify job: invalid date',
      kind: 'job',
      run: () => job({ runId: 'r', article: { ...article, published: 'soon' } }),
      expect: /article\.published: Invalid ISO datetime/,
    },
    {
      name: 'classify job: empty article',
      kind: 'job',
      run: () => job({ runId: 'r', article: { ...article, title: '' } }),
      expect: /^UnrecoverableError: article a has neither title nor summary/,
    },
    {
      name: 'load job: unknown trigger',
      kind: 'job',
      run: async () => {
        const parsed = LoadJobSchema.safeParse({ trigger: 'cron' });
        return parsed.success ? 'accepted' : describeZodError(parsed.error);
      },
      expect: /^trigger: Invalid option/,
    },
    {
      name: 'POST /api/runs: not JSON',
      kind: 'api',
      run: () => postRuns('{feeds:'),
      expect: /^400 .*Body is not valid JSON|^400 .*Unexpected/,
    },
    {
      name: 'POST /api/runs: feeds not a list',
      kind: 'api',
      run: () => postRuns('{"feeds":"https://x.example"}'),
      expect: /^400 .*body\/feeds must be array/,
    },
    {
      name: 'POST /api/runs: unknown field',
      kind: 'api',
      run: () => postRuns('{"feed":["https://x.example"]}'),
      expect: /^400 .*must NOT have additional properties/,
    },
    {
      name: 'POST /api/runs: 1 MB body',
      kind: 'api',
      run: () => postRuns(JSON.stringify({ feeds: ['x'.repeat(1024 * 1024)] })),
      expect: /^413 /,
    },
    {
      name: 'GET /api/topics?hours=abc',
      kind: 'api',
      run: () => api('/api/topics?hours=abc'),
      expect: /^400 .*querystring\/hours must be number/,
    },
    {
      name: 'env: DIGEST_CRON=61 * * * *',
      kind: 'env',
      run: async () => env({ DIGEST_CRON: '61 * * * *' }),
      expect: /^DIGEST_CRON: not a valid cron pattern: '61 \* \* \* \*'$/,
    },
    {
      name: 'env: REDIS_URL=localhost',
      kind: 'env',
      run: async () => env({ REDIS_URL: 'localhost' }),
      expect: /^REDIS_URL: not a redis:\/\/ or rediss:\/\/ URL: \(value hidden\)$/,
    },
    {
      name: 'env: CLASSIFIER_THREADS=0',
      kind: 'env',
      run: async () => env({ CLASSIFIER_THREADS: '0' }),
      expect: /^CLASSIFIER_THREADS: must be at least 1: '0'$/,
    },
  ];

  const results: CorpusResult[] = [];
  try {
    for (const c of cases) {
      const { message, peak } = await measured(c.run);
      results.push({ name: c.name, kind: c.kind, ok: c.expect.test(message), message, peakRssMb: peak / 1024 / 1024 });
    }
    const big = results.find((r) => r.name === '50 MB body');
    if (big && bigSent >= 50 * 1024 * 1024) {
      big.ok = false;
      big.message += ' (the whole body was sent: the cap did not stop reading)';
    }
  } finally {
    await app.close();
    await model.dispose();
    await redis.stop();
    await server.close();
    fs.rmSync(redisDir, { recursive: true, force: true });
  }
  return results;
}
