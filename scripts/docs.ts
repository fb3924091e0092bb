/**
 * `pnpm docs`: writes the documents that copy a table in the code (docs/configuration.md and
 * .env.example from CONFIG_VARS, docs/errors.md from every TidingsError subclass's statics).
 * `pnpm docs --check` writes nothing and exits 1 naming each entry that drifted, and each
 * error class without its catalogue entry; `--against DIR` compares the copies under DIR.
 * It runs on the sources (tsx, the @tidings/source condition), so it needs no build.
 */
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  type CataloguedCode,
  CONFIG_VARS,
  catalogueOf,
  configurationDoc,
  describeDrift,
  duplicateCodes,
  envExample,
  errorClassesIn,
  errorsDoc,
} from '@tidings/shared';

const ROOT = path.resolve(import.meta.dirname, '..');
const SOURCE_ROOTS = ['packages', 'services', 'apps'];

function sourceFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [full] : [];
  });
}

/** Every TidingsError subclass in the workspace's sources, read from its statics; and what is wrong with any. */
async function errorCatalogue(): Promise<{ codes: CataloguedCode[]; problems: string[] }> {
  const files = SOURCE_ROOTS.flatMap((group) =>
    fs.readdirSync(path.join(ROOT, group)).flatMap((name) => sourceFiles(path.join(ROOT, group, name, 'src'))),
  );
  const codes: CataloguedCode[] = [];
  const problems: string[] = [];
  for (const file of files) {
    const declared = errorClassesIn(path.relative(ROOT, file).split(path.sep).join('/'), fs.readFileSync(file, 'utf8'));
    if (declared.length === 0) continue;
    const module: Record<string, unknown> = await import(pathToFileURL(file).href);
    for (const d of declared) {
      const entry = catalogueOf(d, module[d.name]);
      if ('problem' in entry) problems.push(entry.problem);
      else codes.push(...entry.codes);
    }
  }
  problems.push(...duplicateCodes(codes).map((d) => `the code ${d} names more than one kind of error`));
  return { codes, problems };
}

const args = process.argv.slice(2);
const check = args.includes('--check');
const againstAt = args.indexOf('--against');
const against = againstAt >= 0 ? path.resolve(args[againstAt + 1] ?? '.') : ROOT;

const errors = await errorCatalogue();
const docs = [configurationDoc(CONFIG_VARS), envExample(CONFIG_VARS), errorsDoc(errors.codes)];
let failed = errors.problems.length > 0;
for (const problem of errors.problems) process.stderr.write(`docs/errors.md: ${problem}\n`);
for (const doc of docs) {
  const file = path.join(against, doc.path);
  const actual = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : undefined;
  const drift = describeDrift(doc, actual);
  if (!drift) continue;
  if (check) {
    process.stderr.write(`${drift}\n`);
    failed = true;
  } else {
    fs.writeFileSync(file, doc.text);
    process.stdout.write(`wrote ${doc.path}\n`);
  }
}
process.exitCode = failed ? 1 : 0;
