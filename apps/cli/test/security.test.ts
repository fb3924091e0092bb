/**
 * `tidings start` and the commands beside it, as real processes: the private redis-server's
 * password, how `tidings run` finds it and signs what it asks for, masked feed credentials,
 * and a service that cannot start as configured.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { writeGeneratedFeed } from '@tidings/feed-fixtures';
import { freePort } from '@tidings/runtime';
import { StackFileSchema } from '@tidings/shared';
import { ROOT, runProcess, TINY_MODEL_DIR, waitFor } from '@tidings/testing';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';

const CLI = path.join(ROOT, 'apps/cli/dist/main.js');
const baseEnv = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' };
const dirs: string[] = [];
const stacks: ChildProcess[] = [];
afterAll(async () => {
  // A test that failed or timed out must not leave a stack running.
  for (const child of stacks) {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
  }
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tidings-cli-security-'));
  dirs.push(dir);
  return dir;
}

function startTidings(env: Record<string, string>) {
  const child = spawn(process.execPath, [CLI, 'start'], {
    cwd: ROOT,
    env: { ...baseEnv, LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  stacks.push(child);
  let output = '';
  let stderr = '';
  child.stdout?.on('data', (d) => (output += d));
  child.stderr?.on('data', (d) => {
    output += d;
    stderr += d;
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, exited, output: () => output, stderr: () => stderr };
}

/** A CLI command to its end; asynchronous, so the test's own timeout still applies while it runs. */
function tidings(args: string[], env: Record<string, string>) {
  return runProcess([process.execPath, CLI, ...args], env, { onSpawn: (child) => stacks.push(child) });
}

async function stackEnv(dataDir: string) {
  return {
    DATA_DIR: dataDir,
    REDIS_PORT: String(await freePort()),
    FEED_URLS: writeGeneratedFeed(path.join(dataDir, 'operator-feed.xml'), 3),
    MODEL_DIR: TINY_MODEL_DIR,
    CLASSIFIER_THREADS: '1',
    DASHBOARD_PORT: String(await freePort()),
    DIGEST_CRON: '0 6 1 1 *',
  };
}

const modeOf = (file: string) => fs.statSync(file).mode & 0o777;

describe('the private redis-server of `tidings start`', () => {
  it('has a password no one else can read, and `tidings run --feed ./file` still works', async () => {
    const dataDir = tempDir();
    const env = await stackEnv(dataDir);
    const stack = startTidings(env);
    try {
      const stackFile = path.join(dataDir, 'stack.json');
      await waitFor(() => fs.existsSync(stackFile) || undefined, { what: 'stack.json', timeoutMs: 30_000 });
      const recorded = StackFileSchema.parse(JSON.parse(fs.readFileSync(stackFile, 'utf8')));
      expect(recorded.redisUrl).toBe(`redis://127.0.0.1:${env.REDIS_PORT}`);
      expect(recorded.passwordFile).toBe(path.join(dataDir, 'redis-password'));
      expect(modeOf(recorded.passwordFile)).toBe(0o600);
      const password = fs.readFileSync(recorded.passwordFile, 'utf8').trim();
      expect(password).toMatch(/^[0-9a-f]{64}$/);

      // Nobody gets in without it.
      const anonymous = new Redis(recorded.redisUrl, { enableReadyCheck: false, maxRetriesPerRequest: 0 });
      anonymous.on('error', () => {});
      await expect(anonymous.ping()).rejects.toThrow(/NOAUTH/);
      anonymous.disconnect();

      // Not on any command line (ps shows them to every user), not in any log line.
      const redisPid = fs.readFileSync(path.join(dataDir, 'redis/redis-server.pid'), 'utf8').trim();
      const commandLines = fs
        .readdirSync('/proc')
        .filter((p) => /^\d+$/.test(p))
        .map((p) => {
          try {
            return fs.readFileSync(`/proc/${p}/cmdline`, 'utf8');
          } catch {
            return '';
          }
        });
      expect(fs.readFileSync(`/proc/${redisPid}/cmdline`, 'utf8')).toContain('redis-server');
      expect(commandLines.filter((c) => c.includes(password))).toEqual([]);

      // `tidings run` finds the server through stack.json, and signs its request for a local file.
      const feedDir = tempDir();
      writeGeneratedFeed(path.join(feedDir, 'mine.xml'), 4, { tag: 'mine' });
      const relative = path.relative(ROOT, path.join(feedDir, 'mine.xml'));
      // --data-dir names the stack, as DATA_DIR does; the CLI says which Redis it found there.
      const run = await tidings(['run', '--data-dir', dataDir, '--feed', relative, '--wait', '--timeout', '90'], {});
      expect(run.stderr).toMatch(
        new RegExp(
          `^tidings: using the Redis at redis://:\\*\\*\\*\\*@127\\.0\\.0\\.1:\\d+ \\(the stack recorded in ${dataDir}/stack\\.json\\)\\nrun manual-\\S+ enqueued\\n`,
        ),
      );
      expect(run.code).toBe(0);
      const { run: summary } = JSON.parse(run.stdout);
      expect(summary.feeds).toMatchObject([{ url: path.join(feedDir, 'mine.xml'), status: 'ok', kept: 4 }]);
      expect(summary.counts).toMatchObject({ fetched: 4, classified: 4, failed: 0 });
      expect(modeOf(path.join(dataDir, 'job-signing.key'))).toBe(0o600);
      expect(stack.output() + run.stdout + run.stderr).not.toContain(password);
    } finally {
      stack.child.kill('SIGTERM');
    }
    expect(await stack.exited).toBe(0);
    expect(fs.existsSync(path.join(dataDir, 'stack.json'))).toBe(false);
  }, 180_000);

  it('refuses to trust a password file others can read', async () => {
    const dataDir = tempDir();
    fs.writeFileSync(path.join(dataDir, 'redis-password'), `${'a'.repeat(64)}\n`, { mode: 0o644 });
    fs.chmodSync(path.join(dataDir, 'redis-password'), 0o644);
    const stack = startTidings(await stackEnv(dataDir));
    expect(await stack.exited).toBe(1);
    expect(stack.stderr().trim()).toBe(
      `tidings cli: ${path.join(dataDir, 'redis-password')}: readable by others (mode 644); run 'chmod 600 ${path.join(dataDir, 'redis-password')}', or delete it to have a new one made`,
    );
  });
});

describe('a service that cannot start as configured', () => {
  it('stops the whole stack with its one line and exit code 1, instead of restarting it', async () => {
    const dataDir = tempDir();
    const stack = startTidings({ ...(await stackEnv(dataDir)), DASHBOARD_HOST: '0.0.0.0', LOG_LEVEL: 'warn' });
    const code = await Promise.race([
      stack.exited,
      new Promise<'still running'>((resolve) => setTimeout(() => resolve('still running'), 90_000)),
    ]);
    if (code === 'still running') stack.child.kill('SIGTERM');
    expect(code).toBe(1);
    const reason =
      "tidings dashboard: DASHBOARD_TOKEN: required when DASHBOARD_HOST is not loopback (it is '0.0.0.0'); set a token of at least 16 characters, or bind to 127.0.0.1";
    expect(stack.stderr().trim().split('\n').at(-1)).toBe(reason);
    // Started once: its line appears once from the dashboard itself, once as the stack's last word.
    expect(stack.output().split(reason).length - 1).toBe(2);
  }, 120_000);
});

describe('feed credentials', () => {
  it('`tidings config` shows FEED_URLS with user, password and query values masked', async () => {
    const { code, stdout } = await tidings(['config'], {
      FEED_URLS: 'https://reader:pa55word@feeds.example/rss?token=t0k3n,./local.xml',
    });
    expect(code).toBe(0);
    expect(JSON.parse(stdout).FEED_URLS).toBe('https://****:****@feeds.example/rss?token=****,./local.xml');
    expect(stdout).not.toMatch(/pa55word|t0k3n/);
  });
});
