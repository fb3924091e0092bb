/**
 * `pnpm test:faults`: every fault scenario against real processes and a real redis-server,
 * then the bad-input corpus. Prints one table each and exits non-zero unless every scenario
 * finished its run with nothing lost and nothing duplicated, and every bad input got its
 * expected clear error.
 */
import { type CorpusResult, runCorpus } from './bad-input.js';
import type { Row } from './cluster.js';
import './hostile-jobs.js';
import { SCENARIOS } from './scenarios.js';

const only = process.argv.slice(2);

function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ');
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

const ok = (row: Row) => row.finished && row.lost === 0 && row.duplicated === 0;

async function main(): Promise<void> {
  const rows: Row[] = [];
  for (const scenario of SCENARIOS) {
    if (only.length > 0 && !only.some((o) => scenario.name.startsWith(o))) continue;
    const started = Date.now();
    process.stderr.write(`faults: ${scenario.name} ...\n`);
    let row: Row;
    try {
      row = await scenario.run();
    } catch (err) {
      row = {
        scenario: scenario.name,
        runs: 0,
        expected: 0,
        grouped: 0,
        failed: 0,
        lost: 0,
        duplicated: 0,
        finished: false,
        note: `error: ${(err as Error).message}`,
      };
    }
    row.note = `${row.note} (${((Date.now() - started) / 1000).toFixed(1)} s)`;
    rows.push(row);
    process.stderr.write(`faults: ${scenario.name}: ${ok(row) ? 'ok' : 'FAILED'}\n`);
  }

  const corpus: CorpusResult[] = only.length === 0 || only.includes('corpus') ? await runCorpus() : [];

  process.stdout.write('\nFault scenarios\n\n');
  process.stdout.write(
    `${table(
      ['scenario', 'runs', 'expected', 'grouped', 'failed', 'lost', 'duplicated', 'outcome', 'notes'],
      rows.map((r) => [
        r.scenario,
        String(r.runs),
        String(r.expected),
        String(r.grouped),
        String(r.failed),
        String(r.lost),
        String(r.duplicated),
        ok(r) ? 'finished' : 'FAILED',
        r.note,
      ]),
    )}\n`,
  );
  if (corpus.length > 0) {
    process.stdout.write('\nBad-input corpus\n\n');
    process.stdout.write(
      `${table(
        ['case', 'kind', 'outcome', 'peak RSS MB', 'error'],
        corpus.map((c) => [
          c.name,
          c.kind,
          !c.ok ? 'FAILED' : c.message.startsWith('ok') ? 'handled' : 'clear error',
          c.peakRssMb.toFixed(0),
          c.message.slice(0, 110),
        ]),
      )}\n`,
    );
  }
  const passed = rows.filter(ok).length + corpus.filter((c) => c.ok).length;
  const failed = rows.length - rows.filter(ok).length + corpus.length - corpus.filter((c) => c.ok).length;
  process.stdout.write(`\nfaults: ${passed} passed, ${failed} failed\n`);
  process.exit(failed === 0 && passed > 0 ? 0 : 1);
}

void main();
