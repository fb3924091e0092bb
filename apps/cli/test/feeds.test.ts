import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseOpml } from '@tidings/feed-list';
import { topicFeedKey } from '@tidings/shared';
import { FIXTURES, ROOT, testPrefix, testRedisUrl, xmlWellFormednessError } from '@tidings/testing';
import { afterAll, describe, expect, it } from 'vitest';

const CLI = path.join(ROOT, 'apps/cli/dist/main.js');
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'tidings-feeds-cli-'));
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

/** An OPML file of these outline attributes, as a reader might export it. */
function opmlFile(name: string, outlines: string[]): string {
  const file = path.join(scratch, name);
  fs.writeFileSync(
    file,
    `<opml version="2.0"><body>\n${outlines.map((o) => `<outline ${o}/>`).join('\n')}\n</body></opml>\n`,
  );
  return file;
}

describe('tidings feeds', () => {
  const env = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    REDIS_URL: testRedisUrl(),
    TIDINGS_PREFIX: testPrefix(),
  };
  const tidings = (...args: string[]) => tidingsWith({}, ...args);
  const tidingsWith = (extra: Record<string, string>, ...args: string[]) => {
    const r = spawnSync(process.execPath, [CLI, 'feeds', ...args], {
      cwd: ROOT,
      env: { ...env, ...extra },
      encoding: 'utf8',
      timeout: 60_000,
    });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  };

  it('imports a reader’s OPML in one step, lists, adds, removes and exports it back', () => {
    const imported = tidings('import', path.join(FIXTURES, 'opml/reader-export.opml'));
    expect(imported.code, imported.stderr).toBe(0);
    expect(imported.stderr).toContain('reader-export.opml: 2 feed(s), 2 new, 0 already listed');
    expect(tidings('import', path.join(FIXTURES, 'opml/reader-export.opml')).stderr).toContain(
      '0 new, 2 already listed',
    );
    expect(tidings('add', 'https://third.example/rss').code).toBe(0);
    expect(tidings('add', '/etc/passwd').code).toBe(2);

    const listed = tidings('list');
    expect(
      listed.stdout
        .trim()
        .split('\n')
        .map((l) => l.split('\t')[0]),
    ).toEqual([
      'https://markets.example.org/feed?format=rss&lang=en',
      'https://third.example/rss',
      'https://www.cnbc.com/id/19746125/device/rss/rss.xml',
    ]);
    expect(listed.stdout).toContain('not read yet');

    expect(tidings('remove', 'https://third.example/rss').code).toBe(0);
    const exported = tidings('export');
    expect(exported.stdout).toContain('xmlUrl="https://markets.example.org/feed?format=rss&amp;lang=en"');
    expect(exported.stdout).toContain('title="CNBC Finance"');
    expect(exported.stdout).not.toContain('third.example');
    // Nine CLI processes, each starting Node.
  }, 180_000);

  it('exports every topic feed as OPML 2.0 for a reader, with the key a token needs', () => {
    const token = 'cli-opml-token-0123456789';
    const exported = tidingsWith(
      { DASHBOARD_TOKEN: token, DASHBOARD_PUBLIC_URL: 'https://news.example.org/', LABELS: 'Crypto,Oil or Gas' },
      'export',
      '--topic-feeds',
    );
    expect(exported.code).toBe(0);
    const outlines = parseOpml(exported.stdout);
    expect(outlines).toEqual([
      { url: `https://news.example.org/feeds/crypto.atom?key=${topicFeedKey(token)}`, title: 'tidings: Crypto' },
      {
        url: `https://news.example.org/feeds/oil-or-gas.atom?key=${topicFeedKey(token)}`,
        title: 'tidings: Oil or Gas',
      },
    ]);
    expect(exported.stdout).toContain('htmlUrl="https://news.example.org/"');
  }, 60_000);

  it('refuses, one line each, feeds that name this host or a private network, unless FEED_ALLOW_PRIVATE', () => {
    const prefix = { TIDINGS_PREFIX: testPrefix() };
    const file = opmlFile('private.opml', [
      'xmlUrl="https://public.example/rss" text="Public"',
      'xmlUrl="http://127.0.0.1:6379/" text="Redis"',
      'xmlUrl="http://localhost./feed"',
      'xmlUrl="http://[::ffff:169.254.169.254]/latest/meta-data/"',
      'xmlUrl="http://0x0a.1/rss"',
      'xmlUrl="https://user:secret@192.168.1.10/rss?token=abc"',
    ]);
    const imported = tidingsWith(prefix, 'import', file);
    expect(imported.code).toBe(1);
    const lines = imported.stderr.trim().split('\n');
    expect(lines.filter((l) => !l.startsWith('tidings: using the Redis'))).toEqual([
      `${file}: refused http://127.0.0.1:6379/: its host is a loopback, private, link-local or metadata address`,
      `${file}: refused http://localhost./feed: its host is this machine (localhost)`,
      `${file}: refused http://[::ffff:a9fe:a9fe]/latest/meta-data/: its host is a loopback, private, link-local or metadata address`,
      `${file}: refused http://10.0.0.1/rss: its host is a loopback, private, link-local or metadata address`,
      `${file}: refused https://****:****@192.168.1.10/rss?token=****: its host is a loopback, private, link-local or metadata address`,
      `${file}: 6 feed(s), 1 new, 0 already listed, 5 refused (name it in FEED_URLS, or set FEED_ALLOW_PRIVATE=true where every such address is trusted)`,
    ]);
    const added = tidingsWith(prefix, 'add', 'http://169.254.169.254/latest/meta-data/');
    expect(added.code).toBe(1);
    expect(added.stderr).toContain('refused http://169.254.169.254/latest/meta-data/: its host is a loopback');
    expect(
      tidingsWith(prefix, 'list')
        .stdout.trim()
        .split('\n')
        .map((l) => l.split('\t')[0]),
    ).toEqual(['https://public.example/rss']);

    const trusted = tidingsWith({ ...prefix, FEED_ALLOW_PRIVATE: 'true' }, 'import', file);
    expect(trusted.code, trusted.stderr).toBe(0);
    expect(trusted.stderr).toContain('6 feed(s), 5 new, 1 already listed');
    // Six CLI processes, each starting Node.
  }, 120_000);

  it('exports well-formed OPML whatever the imported titles hold: C0 controls, U+FFFF, unpaired surrogates', () => {
    const prefix = { TIDINGS_PREFIX: testPrefix() };
    const file = opmlFile('odd-titles.opml', [
      'xmlUrl="https://a.example/rss" text="A\u0001\u0008&#x1F;&#xFFFF;\uFFFF&#xD800;B &amp; &lt;C&gt;"',
    ]);
    expect(tidingsWith(prefix, 'import', file).code).toBe(0);
    // The bytes as written, not decoded and re-encoded on the way.
    const exported = spawnSync(process.execPath, [CLI, 'feeds', 'export'], {
      cwd: ROOT,
      env: { ...env, ...prefix },
      timeout: 60_000,
    });
    expect(exported.status).toBe(0);
    expect(xmlWellFormednessError(exported.stdout)).toBe('');
    expect(parseOpml(exported.stdout.toString('utf8'))).toEqual([
      { url: 'https://a.example/rss', title: 'A\uFFFDB & <C>' },
    ]);
  }, 60_000);
});
