import fs from 'node:fs';
import path from 'node:path';
import { SERVICE_NAMES, SERVICES } from '@tidings/shared';
import { ROOT } from '@tidings/testing';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

/**
 * Import arrows only point down, test code included. Floors, bottom up: shared; runtime; the
 * stores and libraries; status; the services, none importing another; the CLI; the test support
 * in test/support (the harness and the fixture feeds); and on top the suites of test/ and the
 * bench. A package's own tests may import the package, the floors below it and the test
 * support; the top-level suites and the bench may import anything. Every @tidings import is
 * declared where it is used: in the package's dependencies for its src, dependencies or
 * devDependencies for its tests, the root package.json for the top-level suites; and every
 * declared workspace dependency points down too. No code reaches into another package or suite
 * by a relative path, nor into a package's src by name.
 */
const LEVEL: Record<string, number> = {
  shared: 0,
  // Processes, Redis connections and logging, on shared alone; the stores' tests connect with it.
  runtime: 0.5,
  'topic-store': 1,
  subscriptions: 1,
  'feed-list': 1,
  // A model's files on disk (download, lock, external data, quantizing): below the classifier that loads them.
  'model-tools': 1,
  feedback: 1,
  'run-requests': 1,
  status: 1.5,
  // Every service of the registry, each a package on one floor.
  ...Object.fromEntries(SERVICE_NAMES.map((name) => [SERVICES[name].package.replace('@tidings/', ''), 2])),
  cli: 3,
  testing: 4,
  'feed-fixtures': 4,
  bench: 5,
};

/** What any test may import besides the floors below it. */
const TEST_SUPPORT = new Set(['testing', 'feed-fixtures']);
/** The top-level suites: test/'s folders other than the test support. */
const SUITE_DIRS = fs
  .readdirSync(path.join(ROOT, 'test'), { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && entry.name !== 'support')
  .map((entry) => path.join('test', entry.name));

/** Workspace package folders, from pnpm-workspace.yaml's globs ("dir/*" or a plain folder). */
const PACKAGE_DIRS = (
  parse(fs.readFileSync(path.join(ROOT, 'pnpm-workspace.yaml'), 'utf8')) as { packages: string[] }
).packages
  .flatMap((glob) =>
    glob.endsWith('/*')
      ? fs.readdirSync(path.join(ROOT, glob.slice(0, -2))).map((name) => path.join(glob.slice(0, -2), name))
      : [glob],
  )
  .filter((dir) => fs.existsSync(path.join(ROOT, dir, 'package.json')));

interface Manifest {
  name: string;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}
const manifestOf = (dir: string) =>
  JSON.parse(fs.readFileSync(path.join(ROOT, dir, 'package.json'), 'utf8')) as Manifest;
const shortName = (name: string) => name.replace('@tidings/', '');
const workspaceDeps = (deps: Record<string, string> | undefined) =>
  Object.entries(deps ?? {})
    .filter(([, version]) => version.startsWith('workspace:'))
    .map(([name]) => shortName(name));

function sourceFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.name === 'node_modules') return [];
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

function importsOf(file: string): string[] {
  const text = fs.readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:from|import)\s*\(?\s*['"]([^'"]+)['"]/g)].map((m) => m[1] ?? '');
}

/**
 * What is wrong with the imports of `files`: a @tidings import `allowed` refuses or `declared`
 * lacks, a package's src imported by name, or a relative import that leaves `home`.
 */
function importProblems(
  files: string[],
  home: string,
  allowed: (target: string) => boolean,
  declared: Set<string>,
): string[] {
  const problems: string[] = [];
  for (const file of files) {
    const where = path.relative(ROOT, file);
    for (const spec of importsOf(file)) {
      if (spec.startsWith('@tidings/')) {
        const [target = '', ...subpath] = spec.replace('@tidings/', '').split('/');
        if (!allowed(target)) problems.push(`${where} imports ${spec}, which is not below it`);
        if (!declared.has(target)) problems.push(`${where} imports undeclared ${spec}`);
        if (subpath[0] === 'src') problems.push(`${where} reaches into ${spec} by path`);
      } else if (spec.startsWith('.')) {
        const resolved = path.resolve(path.dirname(file), spec);
        if (!resolved.startsWith(path.join(ROOT, home) + path.sep)) problems.push(`${where} reaches out to ${spec}`);
      }
    }
  }
  return problems;
}

describe('layering', () => {
  it('knows the level of every workspace package', () => {
    expect(PACKAGE_DIRS).toEqual(expect.arrayContaining(['packages/shared', 'test/support/testing', 'bench']));
    for (const dir of PACKAGE_DIRS) {
      const name = shortName(manifestOf(dir).name);
      expect(LEVEL, `${dir} (${name}) needs a level in this test`).toHaveProperty(name);
    }
  });

  it.each(PACKAGE_DIRS)('%s declares workspace dependencies only below it, test support only for its tests', (dir) => {
    const pkg = manifestOf(dir);
    const level = LEVEL[shortName(pkg.name)] ?? -1;
    const problems = [
      ...workspaceDeps(pkg.dependencies)
        .filter((dep) => !((LEVEL[dep] ?? 99) < level))
        .map((dep) => `dependency @tidings/${dep} is not below it`),
      ...workspaceDeps(pkg.devDependencies)
        .filter((dep) => !((LEVEL[dep] ?? 99) < level || TEST_SUPPORT.has(dep)))
        .map((dep) => `devDependency @tidings/${dep} is neither below it nor test support`),
    ];
    expect(problems).toEqual([]);
  });

  it.each(PACKAGE_DIRS)('%s imports only packages below it, and nothing by a path outside it', (dir) => {
    const pkg = manifestOf(dir);
    const self = shortName(pkg.name);
    const below = (target: string) => (LEVEL[target] ?? 99) < (LEVEL[self] ?? -1);
    const files = sourceFiles(path.join(ROOT, dir, 'src'));
    expect(importProblems(files, dir, below, new Set(workspaceDeps(pkg.dependencies)))).toEqual([]);
  });

  it.each(PACKAGE_DIRS)("%s's tests import their package, packages below it and test support, all declared", (dir) => {
    const pkg = manifestOf(dir);
    const self = shortName(pkg.name);
    const allowed = (target: string) =>
      target === self || TEST_SUPPORT.has(target) || (LEVEL[target] ?? 99) < (LEVEL[self] ?? -1);
    const declared = new Set([self, ...workspaceDeps(pkg.dependencies), ...workspaceDeps(pkg.devDependencies)]);
    const files = sourceFiles(path.join(ROOT, dir, 'test'));
    expect(importProblems(files, dir, allowed, declared)).toEqual([]);
  });

  it.each(SUITE_DIRS)('%s imports what the root package.json declares, and no package by a path', (dir) => {
    const root = manifestOf('.');
    const declared = new Set([...workspaceDeps(root.dependencies), ...workspaceDeps(root.devDependencies)]);
    const files = sourceFiles(path.join(ROOT, dir));
    expect(importProblems(files, dir, () => true, declared)).toEqual([]);
  });
});
