import type { ErrorCodeDoc } from './errors/tidings-error.js';
import { type GeneratedDoc, generatedNotice, markdownText } from './generated-doc.js';

/** A TidingsError subclass as a source file declares it: found by reading, before anything is imported. */
export interface DeclaredErrorClass {
  name: string;
  /** Its file, from the repository's root. */
  path: string;
}

/** One code of the catalogue: the class that throws it, where it lives, what it means and the fix. */
export interface CataloguedCode extends ErrorCodeDoc {
  code: string;
  className: string;
  path: string;
}

/** Every class one source file declares as a TidingsError subclass (comments aside). */
export function errorClassesIn(path: string, text: string): DeclaredErrorClass[] {
  const code = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
  return [...code.matchAll(/\bclass\s+([A-Za-z0-9_]+)\s+extends\s+TidingsError\b/g)].map((m) => ({
    name: m[1] ?? '',
    path,
  }));
}

// A class (its statics) or an entry of a `codes` table.
const isCodeDoc = (value: unknown): value is ErrorCodeDoc =>
  (typeof value === 'object' || typeof value === 'function') &&
  value !== null &&
  typeof (value as ErrorCodeDoc).meaning === 'string' &&
  typeof (value as ErrorCodeDoc).fix === 'string' &&
  (value as ErrorCodeDoc).meaning.trim() !== '' &&
  (value as ErrorCodeDoc).fix.trim() !== '';

/**
 * A declared class's catalogue entries, read from the statics of what its module exports
 * under its name (`code`, `meaning`, `fix`, or `codes`); or what is wrong, naming the class.
 */
export function catalogueOf(
  declared: DeclaredErrorClass,
  exported: unknown,
): { codes: CataloguedCode[] } | { problem: string } {
  const where = `${declared.name} (${declared.path})`;
  if (!/(^|\/)src\/errors\/[^/]+\.ts$/.test(declared.path))
    return { problem: `${where}: an error class lives in a file of its own in its package's src/errors/` };
  if (typeof exported !== 'function') return { problem: `${where}: its file does not export it` };
  const statics = exported as { code?: unknown; codes?: unknown; meaning?: unknown; fix?: unknown };
  const of = (code: string, doc: ErrorCodeDoc): CataloguedCode => ({
    code,
    className: declared.name,
    path: declared.path,
    meaning: doc.meaning,
    fix: doc.fix,
  });
  const code = statics.code;
  if (typeof code === 'string' && isCodeDoc(statics)) return { codes: [of(code, statics)] };
  const codes = typeof statics.codes === 'object' && statics.codes !== null ? Object.entries(statics.codes) : [];
  if (codes.length > 0 && codes.every(([, doc]) => isCodeDoc(doc)))
    return { codes: codes.map(([code, doc]) => of(code, doc as ErrorCodeDoc)) };
  return {
    problem: `${where}: needs its catalogue entry as statics, \`static readonly code\`, \`meaning\` (what happened) and \`fix\` (what to do), or \`codes\` when it has several`,
  };
}

/** Codes more than one class (or one class twice) claims: a code must name one kind of error. */
export function duplicateCodes(codes: CataloguedCode[]): string[] {
  const owners = new Map<string, string[]>();
  for (const c of codes) owners.set(c.code, [...(owners.get(c.code) ?? []), c.className]);
  return [...owners]
    .filter(([, classes]) => classes.length > 1)
    .map(([code, classes]) => `${code}: ${classes.join(', ')}`);
}

/** The package a source file belongs to: `services/loader` of `services/loader/src/errors/feed-error.ts`. */
const packageOf = (path: string) => path.split('/').slice(0, 2).join('/');

// Bottom layer first, as a reader meets them: configuration and Redis before a service's own.
const LAYERS = ['packages', 'services', 'apps'];
const byPackageThenCode = (a: CataloguedCode, b: CataloguedCode) =>
  LAYERS.indexOf(a.path.split('/')[0] ?? '') - LAYERS.indexOf(b.path.split('/')[0] ?? '') ||
  packageOf(a.path).localeCompare(packageOf(b.path)) ||
  a.code.localeCompare(b.code);

// Some fixes are shared with messages, where they follow a semicolon, in lower case and unstopped.
const sentence = (text: string) =>
  markdownText(`${text.charAt(0).toUpperCase()}${text.slice(1)}${/[.!?)]$/.test(text) ? '' : '.'}`);

/** docs/errors.md: every code, what it means and what to do, by the package that throws it. */
export function errorsDoc(codes: CataloguedCode[]): GeneratedDoc {
  const sorted = [...codes].sort(byPackageThenCode);
  const entries = sorted.map((c) => ({
    name: c.code,
    text: [
      `### ${c.code}`,
      '',
      `\`${c.className}\` (${c.path})`,
      '',
      `**What happened:** ${sentence(c.meaning)}`,
      '',
      `**What to do:** ${sentence(c.fix)}`,
    ].join('\n'),
  }));
  const packages = [...new Set(sorted.map((c) => packageOf(c.path)))];
  const text = [
    '# Errors',
    '',
    `<!-- ${generatedNotice('the static code, meaning and fix of every TidingsError subclass')} -->`,
    '',
    'Every error tidings reports that you can act on has a stable code, shown with its message',
    '(which says where and with what) and, where one applies, the fix. Look the code up here.',
    'An error without a code is a bug: report it with its stack.',
    '',
    '| Code | Error | Package |',
    '| --- | --- | --- |',
    ...sorted.map((c) => `| [\`${c.code}\`](#${c.code.toLowerCase()}) | \`${c.className}\` | ${packageOf(c.path)} |`),
    '',
    ...packages.flatMap((pkg) => [
      `## ${pkg}`,
      '',
      ...entries.filter((_, i) => packageOf(sorted[i]?.path ?? '') === pkg).flatMap((e) => [e.text, '']),
    ]),
  ].join('\n');
  return { path: 'docs/errors.md', text, entries, entryName: /^### ([A-Z][A-Z0-9_]*)$/gm };
}
