import { describe, expect, it } from 'vitest';
import {
  BadJobError,
  type CataloguedCode,
  catalogueOf,
  duplicateCodes,
  errorClassesIn,
  errorsDoc,
  TidingsError,
} from '../src/index.js';

const HERE = 'packages/shared/src/errors/some-error.ts';

describe('the error catalogue', () => {
  it('finds the TidingsError subclasses a file declares, not ones a comment mentions', () => {
    const text = [
      '/** Not this: `class Commented extends TidingsError` */',
      '// nor class LineComment extends TidingsError',
      'export class SomeError extends TidingsError {}',
      'class Other extends Error {}',
    ].join('\n');
    expect(errorClassesIn(HERE, text)).toEqual([{ name: 'SomeError', path: HERE }]);
  });

  it('reads a class’s code, meaning and fix from its statics, without constructing it', () => {
    const entry = catalogueOf(
      { name: 'BadJobError', path: 'packages/shared/src/errors/bad-job-error.ts' },
      BadJobError,
    );
    expect(entry).toEqual({
      codes: [
        {
          code: 'TIDINGS_BAD_JOB',
          className: 'BadJobError',
          path: 'packages/shared/src/errors/bad-job-error.ts',
          meaning: BadJobError.meaning,
          fix: BadJobError.fix,
        },
      ],
    });
  });

  it('reads a table of codes from a class that has several', () => {
    class Several extends TidingsError {
      static readonly codes = { A_ONE: { meaning: 'one', fix: 'do one' }, A_TWO: { meaning: 'two', fix: 'do two' } };
    }
    const entry = catalogueOf({ name: 'Several', path: HERE }, Several);
    expect('codes' in entry && entry.codes.map((c) => `${c.code}: ${c.meaning}; ${c.fix}`)).toEqual([
      'A_ONE: one; do one',
      'A_TWO: two; do two',
    ]);
  });

  it('names a class without its entry, with an empty fix, unexported, or outside src/errors/', () => {
    class Bare extends TidingsError {}
    class NoFix extends TidingsError {
      static readonly code = 'X_NO_FIX';
      static readonly meaning = 'something';
      static readonly fix = ' ';
    }
    expect(catalogueOf({ name: 'Bare', path: HERE }, Bare)).toEqual({
      problem: expect.stringMatching(
        /^Bare \(packages\/shared\/src\/errors\/some-error\.ts\): needs its catalogue entry/,
      ),
    });
    expect(catalogueOf({ name: 'NoFix', path: HERE }, NoFix)).toHaveProperty('problem');
    expect(catalogueOf({ name: 'Gone', path: HERE }, undefined)).toEqual({
      problem: 'Gone (packages/shared/src/errors/some-error.ts): its file does not export it',
    });
    expect(catalogueOf({ name: 'BadJobError', path: 'packages/runtime/src/private.ts' }, BadJobError)).toEqual({
      problem: expect.stringContaining("lives in a file of its own in its package's src/errors/"),
    });
  });

  it('names every code two classes claim', () => {
    const code = (c: string, className: string): CataloguedCode => ({
      code: c,
      className,
      path: HERE,
      meaning: 'm',
      fix: 'f',
    });
    expect(duplicateCodes([code('A', 'One'), code('B', 'One'), code('A', 'Two')])).toEqual(['A: One, Two']);
  });

  it('docs/errors.md lists each code under its package, with what happened and what to do, as sentences', () => {
    const doc = errorsDoc([
      {
        code: 'FEED_X',
        className: 'FeedError',
        path: 'services/loader/src/errors/feed-error.ts',
        meaning: 'M <x>',
        fix: 'f `<y>`',
      },
      {
        code: 'TIDINGS_A',
        className: 'AError',
        path: 'packages/shared/src/errors/a-error.ts',
        meaning: 'Ma',
        fix: 'Fa',
      },
    ]);
    expect(doc.entries.map((e) => e.name)).toEqual(['TIDINGS_A', 'FEED_X']);
    expect(doc.text).toContain(
      '## services/loader\n\n### FEED_X\n\n`FeedError` (services/loader/src/errors/feed-error.ts)\n\n**What happened:** M &lt;x>.\n\n**What to do:** F `<y>`.\n',
    );
    expect(doc.text.indexOf('## packages/shared')).toBeLessThan(doc.text.indexOf('## services/loader'));
  });
});
