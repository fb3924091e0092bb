/**
 * Feed conformance, scored the way the Universal Feed Parser (Python feedparser) scores
 * itself: every annotated file of a corpus through tidings' own decode and parse, one after
 * another in this one process, each annotation's checks on the fields tidings keeps.
 *
 * Always run: tidings' own corpus (test/conformance/corpus, written for this project in
 * feedparser's annotation format). Also run when present: feedparser's `tests/` folder, at
 * FEEDPARSER_TESTS or ../shared/fixtures/feedparser/tests (docs/feeds.md says how to get it).
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { EXCLUDED_CASES } from './conformance/exclusions.js';
import { type CaseResult, type CorpusCase, readCorpus, runCase, score } from './conformance/feed-corpus.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const OWN_CORPUS = path.join(here, 'conformance', 'corpus');

/** feedparser's categories, by folder: the table in docs/feeds.md has one row each. */
const FEEDPARSER_CATEGORIES = {
  rss: ['wellformed/rss'],
  atom: ['wellformed/atom'],
  atom10: ['wellformed/atom10'],
  rdf: ['wellformed/rdf'],
  // test_encoding.py builds its cases in code; write-codec-cases.py writes them out as files.
  encoding: ['encoding', 'encoding-codecs'],
  illformed: ['illformed'],
};

const feedparserTests = [
  process.env.FEEDPARSER_TESTS,
  path.resolve(here, '../../../../shared/fixtures/feedparser/tests'),
]
  .filter((dir): dir is string => Boolean(dir))
  .find((dir) => fs.existsSync(path.join(dir, 'wellformed')));

/** Each case run in order, then again in reverse: a result that changes says parser state leaked between feeds. */
function runTwice(cases: CorpusCase[]): { forward: CaseResult[]; reversed: CaseResult[] } {
  const forward = cases.map(runCase);
  const reversed = [...cases].reverse().map(runCase).reverse();
  return { forward, reversed };
}

describe("tidings' own conformance corpus", () => {
  const categories = Object.fromEntries(fs.readdirSync(OWN_CORPUS).map((dir) => [dir, [dir]]));
  const cases = readCorpus(OWN_CORPUS, categories);
  const { forward, reversed } = runTwice(cases);

  it('has a case in every format and failure family it claims', () => {
    expect(Object.keys(categories).sort()).toEqual(['atom', 'encoding', 'illformed', 'json', 'rdf', 'rss']);
    expect(cases.length).toBeGreaterThanOrEqual(20);
  });

  it.each(cases.map((c, i) => [c.name, i] as const))('%s passes every check', (_name, i) => {
    const result = forward[i]!;
    expect(result.checks.length).toBeGreaterThan(0);
    expect(
      result.checks.filter((c) => c.passed !== true),
      result.result,
    ).toEqual([]);
  });

  it('gives every file the same result whatever was parsed before it', () => {
    expect(reversed.map((r) => r.result)).toEqual(forward.map((r) => r.result));
  });
});

// Defined only where the corpus is: its files are not ours to commit (docs/feeds.md).
if (feedparserTests) describeFeedparserCorpus(feedparserTests);

function describeFeedparserCorpus(root: string): void {
  describe("the Universal Feed Parser's corpus", () => {
    const cases = readCorpus(root, FEEDPARSER_CATEGORIES);
    const scored = cases.filter((c) => !(c.name in EXCLUDED_CASES));
    const { forward, reversed } = runTwice(scored);

    it('still holds every case the exclusion list names', () => {
      const names = new Set(cases.map((c) => c.name));
      expect(Object.keys(EXCLUDED_CASES).filter((name) => !names.has(name))).toEqual([]);
    });

    it.each(Object.keys(FEEDPARSER_CATEGORIES))('%s passes at least 98 % of its scored checks', (category) => {
      const s = score(forward).find((c) => c.category === category)!;
      expect(s.scored).toBeGreaterThan(0);
      expect(s.passed / s.scored, `failing: ${s.failures.join(', ')}`).toBeGreaterThanOrEqual(0.98);
    });

    it('gives every file the same result whatever was parsed before it', () => {
      expect(reversed.map((r) => r.result)).toEqual(forward.map((r) => r.result));
    });
  });
}
