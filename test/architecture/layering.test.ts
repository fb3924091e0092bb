import fs from 'node:fs';
import path from 'node:path';
import { ROOT } from '@tidings/testing';
import { describe, expect, it } from 'vitest';

/**
 * Import arrows only point down: apps → services → topic-store / runtime → shared. No
 * service imports another service, and no package reaches into another by a relative path.
 */
const LEVEL: Record<string, number> = {
  shared: 0,
  'feed-fixtures': 0,
  runtime: 1,
  'topic-store': 1,
  subscriptions: 1,
  'feed-list': 1,
  status: 1.5,
  loader: 2,
  classifier: 2,
  aggregator: 2,
  dashboard: 2,
  notifier: 2,
  cli: 3,
  testing: 4,
};

const PACKAGE_DIRS = ['packages', 'services', 'apps'].flatMap((group) =>
  fs.readdirSync(path.join(ROOT, group)).map((name) => path.join(group, name)),
);

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

function importsOf(file: string): string[] {
  const text = fs.readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:from|import)\s*\(?\s*['"]([^'"]+)['"]/g)].map((m) => m[1] ?? '');
}

describe('layering', () => {
  it('knows the level of every workspace package', () => {
    for (const dir of PACKAGE_DIRS) {
      const name = JSON.parse(fs.readFileSync(path.join(ROOT, dir, 'package.json'), 'utf8')).name.replace(
        '@tidings/',
        '',
      );
      expect(LEVEL, `${dir} (${name}) needs a level in this test`).toHaveProperty(name);
    }
  });

  it.each(PACKAGE_DIRS)('%s imports only packages below it, and nothing by a path outside it', (dir) => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, dir, 'package.json'), 'utf8'));
    const self = pkg.name.replace('@tidings/', '');
    const problems: string[] = [];
    for (const file of sourceFiles(path.join(ROOT, dir, 'src'))) {
      for (const spec of importsOf(file)) {
        const where = path.relative(ROOT, file);
        if (spec.startsWith('@tidings/')) {
          const target = spec.replace('@tidings/', '').split('/')[0] ?? '';
          if (!((LEVEL[target] ?? 99) < (LEVEL[self] ?? -1))) problems.push(`${where} imports ${spec}`);
          if (!pkg.dependencies?.[`@tidings/${target}`]) problems.push(`${where} imports undeclared ${spec}`);
        } else if (spec.startsWith('.')) {
          const resolved = path.resolve(path.dirname(file), spec);
          if (!resolved.startsWith(path.join(ROOT, dir) + path.sep)) problems.push(`${where} reaches out to ${spec}`);
        }
      }
    }
    expect(problems).toEqual([]);
  });
});
