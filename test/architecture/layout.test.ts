import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ROOT } from '@tidings/testing';
import { describe, expect, it } from 'vitest';

/**
 * The tree as docs/architecture.md describes it: one contracts package under the name the
 * design gives it, the test support with the tests in test/support, one test harness imported
 * by name, and tests beside every package.
 */
const WORKSPACE_DIRS = [
  ...['packages', 'services', 'apps', 'test/support'].flatMap((group) =>
    fs
      .readdirSync(path.join(ROOT, group), { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => path.join(group, entry.name)),
  ),
  'bench',
];

function tsFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.name === 'node_modules') return [];
    if (entry.isDirectory()) return tsFiles(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

function relativeImports(file: string): string[] {
  const text = fs.readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:from|import)\s*\(?\s*['"](\.{1,2}\/[^'"]*)['"]/g)].map((m) => m[1] ?? '');
}

const packageJson = (dir: string) => JSON.parse(fs.readFileSync(path.join(ROOT, dir, 'package.json'), 'utf8'));

describe('layout', () => {
  it('has packages/shared as the contracts package, @tidings/shared, and no second one beside it', () => {
    expect(packageJson('packages/shared').name).toBe('@tidings/shared');
    expect(fs.existsSync(path.join(ROOT, 'packages/contracts'))).toBe(false);
    const names = WORKSPACE_DIRS.map((dir) => packageJson(dir).name);
    expect(names.filter((n) => n === '@tidings/contracts')).toEqual([]);
    const importers = WORKSPACE_DIRS.concat('test')
      .flatMap((dir) => tsFiles(path.join(ROOT, dir)))
      .filter((file) => file !== fileURLToPath(import.meta.url))
      .filter((file) => fs.readFileSync(file, 'utf8').includes('@tidings/contracts'));
    expect(importers.map((f) => path.relative(ROOT, f))).toEqual([]);
  });

  it('keeps the test support (the harness, the fixture feeds) with the tests, and nothing else there', () => {
    const support = WORKSPACE_DIRS.filter((dir) => dir.startsWith('test/'));
    const named = WORKSPACE_DIRS.filter((dir) =>
      ['@tidings/testing', '@tidings/feed-fixtures'].includes(packageJson(dir).name),
    );
    expect(support.sort()).toEqual(['test/support/feed-fixtures', 'test/support/testing']);
    expect(named.sort()).toEqual(support);
  });

  it.each(WORKSPACE_DIRS)('%s has a test/ folder with a test in it', (dir) => {
    const tests = tsFiles(path.join(ROOT, dir, 'test')).filter((f) => f.endsWith('.test.ts'));
    expect(tests.length, `${dir}/test holds no *.test.ts`).toBeGreaterThan(0);
  });

  /**
   * Test code (every package's test/, the top-level suites, the bench) imports the harness as
   * @tidings/testing. A relative import stays in its own package or suite, so no test reaches
   * test/support/testing or another suite's helpers by a path.
   */
  it('has no test import a helper by a relative path out of its own package or suite', () => {
    const areas = [
      ...WORKSPACE_DIRS.map((dir) => ({ root: dir, files: tsFiles(path.join(ROOT, dir, 'test')) })),
      { root: 'bench', files: tsFiles(path.join(ROOT, 'bench')) },
      ...fs
        .readdirSync(path.join(ROOT, 'test'), { withFileTypes: true })
        .filter((entry) => entry.isDirectory() && entry.name !== 'support')
        .map((entry) => ({
          root: path.join('test', entry.name),
          files: tsFiles(path.join(ROOT, 'test', entry.name)),
        })),
    ];
    const problems: string[] = [];
    for (const { root, files } of areas) {
      const home = path.join(ROOT, root) + path.sep;
      for (const file of files) {
        for (const spec of relativeImports(file)) {
          const resolved = path.resolve(path.dirname(file), spec);
          if (!resolved.startsWith(home)) problems.push(`${path.relative(ROOT, file)} imports ${spec}`);
        }
      }
    }
    expect(problems).toEqual([]);
  });
});
