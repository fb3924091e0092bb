/**
 * Runs a corpus of annotated feeds (the Universal Feed Parser's layout: each file opens with a
 * comment holding `Description:`, `Expect:` and, for HTTP cases, `Header: Content-type: …`)
 * through tidings' own decode and parse, in one process, one file after another, and scores
 * each annotation's checks on the fields tidings keeps.
 */
import fs from 'node:fs';
import path from 'node:path';
import { decodeFeed } from '../../src/decode-feed.js';
import { type ItemResult, parseFeed } from '../../src/parse-feed.js';
import { type CheckOutcome, checkAnnotation, type ParsedForCheck } from './tidings-view.js';

export interface CorpusCase {
  /** Path inside the corpus, `/`-separated. */
  name: string;
  category: string;
  bytes: Buffer;
  expect: string;
  contentType: string | undefined;
}

export interface CaseResult {
  name: string;
  category: string;
  expect: string;
  checks: CheckOutcome[];
  /** What tidings read, as JSON: the same bytes must always give the same result. */
  result: string;
}

/** The annotation comment, read as feedparser's own test helper reads it: by BOM, else as UTF-8. */
function annotationText(bytes: Buffer): string {
  const codecs: [number[], BufferEncoding | 'utf-16be' | 'utf-32'][] = [
    [[0xff, 0xfe, 0x00, 0x00], 'utf-32'],
    [[0x00, 0x00, 0xfe, 0xff], 'utf-32'],
    [[0x3c, 0x00, 0x00, 0x00], 'utf-32'],
    [[0x00, 0x00, 0x00, 0x3c], 'utf-32'],
    [[0x00, 0x3c, 0x00, 0x3f], 'utf-16be'],
    [[0x3c, 0x00, 0x3f, 0x00], 'utf16le'],
    [[0xfe, 0xff], 'utf-16be'],
    [[0xff, 0xfe], 'utf16le'],
  ];
  for (const [prefix, codec] of codecs) {
    if (!prefix.every((b, i) => bytes[i] === b)) continue;
    if (codec === 'utf16le') return bytes.toString('utf16le');
    if (codec === 'utf-16be') return Buffer.from(bytes).swap16().toString('utf16le');
    // UTF-32: the annotation is ASCII, so every fourth byte is enough.
    const le = bytes[0] !== 0;
    return String.fromCharCode(...[...bytes].filter((_, i) => i % 4 === (le ? 0 : 3)));
  }
  return bytes.toString('utf8');
}

/**
 * Every `*.xml` and `*.json` (its annotation in a `.expect` file beside it) in each category's
 * folders that exist, in a stable order.
 */
export function readCorpus(root: string, categories: Record<string, readonly string[]>): CorpusCase[] {
  const cases: CorpusCase[] = [];
  const folders = Object.entries(categories).flatMap(([category, dirs]) =>
    dirs.filter((dir) => fs.existsSync(path.join(root, dir))).map((dir) => [category, dir] as const),
  );
  for (const [category, dir] of folders) {
    const walk = (folder: string): string[] =>
      fs
        .readdirSync(folder, { withFileTypes: true })
        .sort((a, b) => a.name.localeCompare(b.name))
        .flatMap((e) =>
          e.isDirectory()
            ? walk(path.join(folder, e.name))
            : /\.(xml|json)$/.test(e.name)
              ? [path.join(folder, e.name)]
              : [],
        );
    for (const file of walk(path.join(root, dir))) {
      const bytes = fs.readFileSync(file);
      const sidecar = file.replace(/\.(xml|json)$/, '.expect');
      const text = fs.existsSync(sidecar) ? fs.readFileSync(sidecar, 'utf8') : annotationText(bytes);
      const expect = /Expect:[ \t]*(.*)/.exec(text)?.[1]?.trim();
      if (!expect) throw new Error(`${file} has no Expect: annotation`);
      const contentType = /^\s*Header:\s*Content-type:\s*(.*)$/im.exec(text)?.[1]?.trim();
      cases.push({ name: path.relative(root, file).split(path.sep).join('/'), category, bytes, expect, contentType });
    }
  }
  return cases;
}

function read(c: CorpusCase): ParsedForCheck & { error?: string } {
  const isHttp = c.name.split('/').pop()!.startsWith('http');
  try {
    const decoded = decodeFeed(c.bytes, isHttp ? (c.contentType ?? 'text/xml') : undefined);
    const parsed = parseFeed(decoded.text, c.name, {
      documentUrl: isHttp ? `http://127.0.0.1:8097/tests/${c.name}` : undefined,
    });
    const results: ItemResult[] = [...parsed.chunks].flat();
    return {
      title: parsed.title,
      items: results.map((r) => ('item' in r ? r.item : undefined)),
      charset: decoded.charset.name,
    };
  } catch (err) {
    return { title: undefined, items: [], charset: undefined, error: err instanceof Error ? err.message : String(err) };
  }
}

export function runCase(c: CorpusCase): CaseResult {
  const parsed = read(c);
  return {
    name: c.name,
    category: c.category,
    expect: c.expect,
    checks: checkAnnotation(c.expect, parsed),
    result: JSON.stringify(parsed),
  };
}

export interface CategoryScore {
  category: string;
  passed: number;
  scored: number;
  notScored: number;
  failures: string[];
}

export function score(results: CaseResult[]): CategoryScore[] {
  const byCategory = new Map<string, CategoryScore>();
  for (const r of results) {
    const s = byCategory.get(r.category) ?? { category: r.category, passed: 0, scored: 0, notScored: 0, failures: [] };
    byCategory.set(r.category, s);
    for (const check of r.checks) {
      if (check.passed === undefined) s.notScored++;
      else {
        s.scored++;
        if (check.passed) s.passed++;
        else s.failures.push(r.name);
      }
    }
  }
  return [...byCategory.values()];
}
