import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { FIXTURES, ROOT, testPrefix, testRedisUrl } from '@tidings/testing';
import { describe, expect, it } from 'vitest';

const CLI = path.join(ROOT, 'apps/cli/src/main.ts');

describe('tidings feeds', () => {
  const env = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    REDIS_URL: testRedisUrl(),
    TIDINGS_PREFIX: testPrefix(),
  };
  const tidings = (...args: string[]) => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', CLI, 'feeds', ...args], {
      cwd: ROOT,
      env,
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
    // Nine CLI processes, each starting Node and tsx.
  }, 180_000);
});
