import fs from 'node:fs';
import path from 'node:path';
import { ROOT } from '@tidings/testing';
import { describe, expect, it } from 'vitest';

/**
 * packages/shared holds no I/O (its README says so, and every package may import it): a value
 * import of a module that talks to Redis, a queue, a file, a socket or a process, or an `await`,
 * belongs in @tidings/run-requests, @tidings/runtime or the package that does the I/O. Types of
 * those modules are welcome: `import type` is erased, so it loads nothing at run time.
 */
const IO_MODULES = [
  'bullmq',
  'ioredis',
  'node:fs',
  'node:fs/promises',
  'node:net',
  'node:http',
  'node:https',
  'node:http2',
  'node:tls',
  'node:dgram',
  'node:dns',
  'node:child_process',
  'node:worker_threads',
];
const IO = new Set([...IO_MODULES, ...IO_MODULES.filter((m) => m.startsWith('node:')).map((m) => m.slice(5))]);

/** What in one source text does I/O or loads a module that does, each with its line. */
function ioProblems(text: string): string[] {
  const problems: string[] = [];
  const lineOf = (index: number) => text.slice(0, index).split('\n').length;
  // Every static import and re-export, whatever its line breaks; `import type` loads nothing.
  for (const m of text.matchAll(/^(?:import|export)(\s+type\b)?[^'";]*?(?:from\s+)?['"]([^'"]+)['"]/gm)) {
    if (!m[1] && IO.has(m[2] ?? '')) problems.push(`line ${lineOf(m.index)}: imports '${m[2]}' at run time`);
  }
  for (const m of text.matchAll(/\bimport\s*\(\s*['"]([^'"]+)['"]/g)) {
    if (IO.has(m[1] ?? '')) problems.push(`line ${lineOf(m.index)}: imports '${m[1]}' at run time`);
  }
  for (const m of text.matchAll(/\bawait\b|\bfor\s+await\b/g)) problems.push(`line ${lineOf(m.index)}: awaits`);
  return problems;
}

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

describe('packages/shared', () => {
  it('finds a value import of an I/O module and an await, and lets a type-only import pass', () => {
    const text = [
      "import type { Queue } from 'bullmq';",
      "import { type Job, Worker } from 'bullmq';",
      "import fs from 'node:fs';",
      "export { Redis } from 'ioredis';",
      "import { z } from 'zod';",
      'export async function f(q: Queue) {',
      '  await q.add("x", {});',
      '}',
    ].join('\n');
    expect(ioProblems(text)).toEqual([
      "line 2: imports 'bullmq' at run time",
      "line 3: imports 'node:fs' at run time",
      "line 4: imports 'ioredis' at run time",
      'line 7: awaits',
    ]);
  });

  it('has no I/O in any source file: no value import of bullmq, ioredis, fs or sockets, no await', () => {
    const dir = path.join(ROOT, 'packages', 'shared', 'src');
    const problems = sourceFiles(dir).flatMap((file) =>
      ioProblems(fs.readFileSync(file, 'utf8')).map((p) => `${path.relative(ROOT, file)} ${p}`),
    );
    expect(problems).toEqual([]);
  });
});
