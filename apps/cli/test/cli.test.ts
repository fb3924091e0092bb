import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startAggregator } from '@tidings/aggregator';
import { startClassifier } from '@tidings/classifier';
import { startLoader } from '@tidings/loader';
import { createLogger, freePort } from '@tidings/runtime';
import { CNBC_FIXTURE, expectedTopic, FIXTURES, ROOT, TINY_MODEL_DIR, testConfig } from '@tidings/testing';
import { afterAll, describe, expect, it } from 'vitest';

const CLI = path.join(ROOT, 'apps/cli/dist/main.js');
const baseEnv = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' };

function tidings(args: string[], env: Record<string, string> = {}, timeout = 60_000) {
  const result = spawnSync(process.execPath, [CLI, ...args], {
    cwd: ROOT,
    env: { ...baseEnv, ...env },
    encoding: 'utf8',
    timeout,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('tidings --help and config', () => {
  it('lists every command', () => {
    const { code, stdout } = tidings(['--help']);
    expect(code).toBe(0);
    for (const command of [
      'demo',
      'start',
      'run',
      'parse',
      'classify',
      'models fetch',
      'subscribers add',
      'notify test',
      'config',
    ])
      expect(stdout).toContain(command);
  });

  it('prints the effective configuration with secrets masked', () => {
    const { code, stdout } = tidings(['config'], {
      REDIS_URL: 'redis://:sup3rsecret@10.0.0.5:6379',
      DASHBOARD_TOKEN: 'token-token-token-1',
    });
    expect(code).toBe(0);
    const config = JSON.parse(stdout);
    expect(config.REDIS_URL).toBe('redis://:****@10.0.0.5:6379');
    expect(config.DASHBOARD_TOKEN).toBe('********');
    expect(stdout).not.toContain('sup3rsecret');
    expect(stdout).not.toContain('token-token-token-1');
  });

  it.each([
    [{ DIGEST_CRON: '61 * * * *' }, "tidings cli: DIGEST_CRON: not a valid cron pattern: '61 * * * *'"],
    [{ REDIS_URL: 'localhost:6379' }, 'tidings cli: REDIS_URL: not a redis:// or rediss:// URL: (value hidden)'],
    [
      { REDIS_URL: 'redis://10.0.0.5:6379', REDIS_CLUSTER_NODES: '10.0.0.6:6379' },
      'tidings cli: REDIS_URL, REDIS_SENTINELS, REDIS_CLUSTER_NODES: set only one of them, not REDIS_URL and REDIS_CLUSTER_NODES',
    ],
  ])('a bad %o stops with one clear line and no stack trace', (env, line) => {
    const { code, stdout, stderr } = tidings(['config'], env);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr.trim()).toBe(line);
  });

  it('rejects an unknown command with the usage line', () => {
    const { code, stderr } = tidings(['frobnicate']);
    expect(code).toBe(2);
    expect(stderr.trim()).toBe(
      "tidings: unknown command 'frobnicate'\nusage: tidings <command> [options]; 'tidings --help' lists the commands",
    );
  });
});

describe('tidings parse', () => {
  it('prints one JSON article per line and a summary on stderr', () => {
    const { code, stdout, stderr } = tidings(['parse', CNBC_FIXTURE]);
    expect(code).toBe(0);
    const articles = stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(articles).toHaveLength(12);
    expect(articles[0].title).toBe('Bitcoin slides below $80,000 as crypto ETF outflows mount');
    expect(stderr.trim()).toBe('14 items: kept 12; dropped 1 sponsored, 1 duplicate');
  });

  it('exits 1 with one clear line on a broken feed', () => {
    const file = path.join(FIXTURES, 'feeds/truncated.xml');
    const { code, stdout, stderr } = tidings(['parse', file]);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toMatch(new RegExp(`^tidings parse: FEED_MALFORMED: ${file}: the XML is malformed`));
  });

  it('--json reads many feeds in one process: every item or why it is dropped, and each error', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tidings-parse-'));
    const deep = path.join(dir, 'deep.xml');
    fs.writeFileSync(
      deep,
      `<rss><channel><title>Deep</title><item><title>Fine</title></item><item>${'<x>'.repeat(100)}${'</x>'.repeat(100)}</item></channel></rss>`,
    );
    const truncated = path.join(FIXTURES, 'feeds/truncated.xml');
    try {
      const { code, stdout } = tidings(['parse', '--json', CNBC_FIXTURE, truncated, deep]);
      expect(code).toBe(1);
      const [cnbc, broken, nested] = stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
      expect(cnbc).toMatchObject({ format: 'rss', title: 'Finance', charset: { name: 'utf-8' }, warnings: [] });
      expect(cnbc.items).toHaveLength(14);
      expect(cnbc.items.filter((i: { dropped?: string }) => i.dropped)).toEqual([
        expect.objectContaining({ dropped: 'sponsored' }),
        expect.objectContaining({ dropped: 'duplicate' }),
      ]);
      expect(broken).toEqual({
        feed: truncated,
        error: { code: 'FEED_MALFORMED', message: expect.stringContaining('malformed') },
      });
      expect(nested.items).toEqual([
        expect.objectContaining({ title: 'Fine' }),
        { dropped: 'unreadable', reason: 'item 2: nested deeper than 64 elements' },
      ]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('tidings classify and models', () => {
  it('prints the label and every score', () => {
    const { code, stdout } = tidings(['classify', '--model-dir', TINY_MODEL_DIR, 'OPEC cuts crude output'], {
      CLASSIFIER_THREADS: '1',
    });
    expect(code).toBe(0);
    const result = JSON.parse(stdout);
    expect(result).toMatchObject({ label: 'Oil or Gas', model: 'tiny-nli', dtype: 'fp32' });
    expect(Object.keys(result.scores)).toHaveLength(10);
  });

  it('takes custom labels', () => {
    const { stdout } = tidings(
      ['classify', '--model-dir', TINY_MODEL_DIR, '--labels', 'Crypto,Politics', 'Senate vote'],
      { CLASSIFIER_THREADS: '1' },
    );
    expect(Object.keys(JSON.parse(stdout).scores)).toEqual(['Crypto', 'Politics']);
  });

  it('models fetch fails offline with the clear message', () => {
    const { code, stderr } = tidings(['models', 'fetch'], {
      MODEL_CACHE_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'tidings-cache-')),
    });
    expect(code).toBe(1);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toContain(
      'cannot load the NLI model: tried to get MODEL_ID=Xenova/distilbart-mnli-12-1 (fp32) from https://huggingface.co into ',
    );
    expect(stderr).toContain(
      'cannot download https://huggingface.co/Xenova/distilbart-mnli-12-1/resolve/main/config.json',
    );
    expect(stderr).toContain('MODEL_DIR');
  });
});

describe('tidings run --wait', () => {
  const logger = createLogger('test', { level: 'silent' });
  const config = testConfig({
    FEED_URLS: path.join(FIXTURES, 'feeds/atom.xml'),
    DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'tidings-cli-')),
  });
  const services: { close(): Promise<unknown> }[] = [];
  afterAll(async () => {
    for (const s of services) await s.close();
  });

  it('starts a run, shows progress, and prints its topic groups as JSON', async () => {
    services.push(
      await startLoader({ config, logger, schedule: false }),
      await startClassifier({ config, logger }),
      await startAggregator({ config, logger }),
    );
    const env = {
      REDIS_URL: config.redis.url,
      TIDINGS_PREFIX: config.prefix,
      FEED_URLS: path.join(FIXTURES, 'feeds/atom.xml'),
      // The loader trusts a --feed file only in a job signed with the key in its DATA_DIR.
      DATA_DIR: config.dataDir,
    };
    const result = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [CLI, 'run', '--feed', CNBC_FIXTURE, '--wait'], {
        cwd: ROOT,
        env: { ...baseEnv, ...env },
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => (stderr += d));
      child.on('exit', (code) => resolve({ code, stdout, stderr }));
    });
    expect(result.code).toBe(0);
    const { run, topics } = JSON.parse(result.stdout);
    expect(run.counts).toEqual({ fetched: 12, new: 12, classified: 12, failed: 0 });
    expect(run.feeds.map((f: { url: string }) => f.url)).toEqual([CNBC_FIXTURE]);
    for (const group of topics) for (const a of group.articles) expect(group.label).toBe(expectedTopic(a.title));
    expect(result.stderr).toMatch(/run manual-\S+ enqueued/);
  });

  it('says in one line, password masked, when Redis cannot be reached', async () => {
    const port = await freePort();
    const { code, stderr } = tidings(['run'], { REDIS_URL: `redis://:hunter2hunter2@127.0.0.1:${port}` });
    expect(code).toBe(1);
    expect(stderr.trim()).toBe(
      `tidings cli: cannot reach Redis at redis://:****@127.0.0.1:${port} (connect ECONNREFUSED 127.0.0.1:${port}); start tidings with 'pnpm tidings start', or set REDIS_URL`,
    );
  });

  it('prints only the run id without --wait', () => {
    const { code, stdout } = tidings(['run'], { REDIS_URL: config.redis.url, TIDINGS_PREFIX: config.prefix });
    expect(code).toBe(0);
    expect(stdout.trim()).toMatch(/^manual-\d{4}-\d{2}-\d{2}T\d{6}Z-[0-9a-f]{6}$/);
  });
});

describe('tidings demo --once (the README quick start)', () => {
  it('runs the whole pipeline offline and prints the fixture topic groups, leaving no process behind', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tidings-demo-'));
    const port = String(await freePort());
    const { code, stdout, stderr } = tidings(['demo', '--once'], { DATA_DIR: dataDir, DASHBOARD_PORT: port }, 180_000);
    expect(code, stderr).toBe(0);
    // Two fixture feeds, 23 articles, 7 of them the same stories in other words: 16 stories.
    expect(stdout).toContain('Digest: 16 classified, 0 failed');
    for (const [label, title] of [
      ['Crypto (1)', 'Bitcoin slides below $80,000'],
      ['Stock (3)', 'Stocks close higher as tech shares rebound'],
      ['Other (3)', 'Airports brace'],
    ]) {
      expect(stdout).toContain(label);
      expect(stdout).toContain(title as string);
    }
    expect(stdout).toMatch(/Bitcoin slides below \$80,000.*\n\s+also reported by marketwire\.example\n/);
    expect(stdout.match(/also reported by marketwire\.example/g)).toHaveLength(7);
    expect(JSON.parse(fs.readFileSync(path.join(dataDir, 'latest.json'), 'utf8')).run.counts.classified).toBe(16);
    expect(fs.existsSync(path.join(dataDir, 'redis', 'appendonlydir'))).toBe(true);
    const leftovers = spawnSync('pgrep', ['-f', dataDir], { encoding: 'utf8' }).stdout.trim();
    expect(leftovers).toBe('');
  });
});
