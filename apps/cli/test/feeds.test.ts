import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { parseOpml } from '@tidings/feed-list';
import { topicFeedKey } from '@tidings/shared';
import { FIXTURES, ROOT, testPrefix, testRedisUrl } from '@tidings/testing';
import { describe, expect, it } from 'vitest';

const CLI = path.join(ROOT, 'apps/cli/dist/main.js');

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
      { url: `https://news.example.org/feeds/crypto.xml?key=${topicFeedKey(token)}`, title: 'tidings: Crypto' },
      { url: `https://news.example.org/feeds/oil-or-gas.xml?key=${topicFeedKey(token)}`, title: 'tidings: Oil or Gas' },
    ]);
    expect(exported.stdout).toContain('htmlUrl="https://news.example.org/"');
  }, 60_000);
});
