import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT } from '@tidings/testing';
import { describe, expect, it } from 'vitest';

const GENERATED = ['docs/configuration.md', '.env.example', 'docs/errors.md'];

/** `pnpm docs` as a developer runs it: on the sources, reading every package's error classes. */
function docs(...args: string[]) {
  const run = spawnSync('pnpm', ['--silent', 'docs', ...args], { cwd: ROOT, encoding: 'utf8' });
  return { status: run.status, stderr: run.stderr };
}

describe('documents generated from the code (pnpm docs)', () => {
  // Fails when a TidingsError subclass anywhere lacks its code, meaning and fix, when two
  // classes claim one code, or when a generated file is not what the code makes now.
  it('are current: every error class is catalogued under a code of its own, and every file matches', () => {
    const { status, stderr } = docs('--check');
    expect(stderr).toBe('');
    expect(status).toBe(0);
  });

  it('name what drifted in a stale copy: the error code and the setting, and say to run pnpm docs', () => {
    const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'tidings-docs-'));
    try {
      fs.mkdirSync(path.join(copy, 'docs'));
      docs('--against', copy);
      expect(GENERATED.filter((file) => !fs.existsSync(path.join(copy, file)))).toEqual([]);
      const errors = path.join(copy, 'docs/errors.md');
      fs.writeFileSync(
        errors,
        fs.readFileSync(errors, 'utf8').replace(/(### TIDINGS_BAD_JOB\n[\s\S]*?What to do:\*\*)/, '$1 nothing'),
      );
      const env = path.join(copy, '.env.example');
      fs.writeFileSync(env, fs.readFileSync(env, 'utf8').replace(/^LOG_LEVEL=.*$/m, 'LOG_LEVEL=trace'));
      const { status, stderr } = docs('--check', '--against', copy);
      expect(status).toBe(1);
      expect(stderr).toContain(
        'docs/errors.md is out of date: TIDINGS_BAD_JOB differs; run `pnpm docs` to regenerate it',
      );
      expect(stderr).toContain('.env.example is out of date: LOG_LEVEL differs; run `pnpm docs` to regenerate it');
      expect(stderr).not.toContain('docs/configuration.md');
    } finally {
      fs.rmSync(copy, { recursive: true, force: true });
    }
  });
});
