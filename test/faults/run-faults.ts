/**
 * `pnpm test:faults`: every fault scenario against real processes and a real redis-server,
 * then the bad-input corpus. Prints one table each and exits non-zero unless, in every
 * scenario, the fault happened as staged and every run finished with nothing lost, nothing
 * duplicated and exactly the expected failures, and every bad input got its expected
 * outcome within its memory bounds. `pnpm test:faults 2 corpus` runs scenario 2 and the corpus;
 * `pnpm test:faults --no-faults` is the control run: every scenario without its fault must fail.
 */
import { type CorpusResult, PEAK_RSS_LIMIT_MB, runCorpus } from './bad-input.js';
import { type Row, verdict } from './fault-stack.js';
import './catch-up.js';
import './hostile-jobs.js';
import './reclassify-kill.js';
import './slow-receivers.js';
import { FAULTS, SCENARIOS } from './scenarios.js';

const args = process.argv.slice(2);
/** A control run: each scenario staged without its fault, so each one's checks must fail. */
const control = args.includes('--no-faults');
FAULTS.inject = !control;
const only = args.filter((a) => !a.startsWith('--'));

function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ');
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

const ok = (row: Row) => verdict(row).length === 0;

async function main(): Promise<void> {
  const rows: Row[] = [];
  for (const scenario of SCENARIOS) {
    if (only.length > 0 && !only.some((o) => scenario.name.startsWith(o))) continue;
    if (control && scenario.noControl) {
      process.stderr.write(`faults: ${scenario.name}: no fault to leave out, skipped\n`);
      continue;
    }
    const started = Date.now();
    process.stderr.write(`faults: ${scenario.name}${control ? ' (without its fault)' : ''} ...\n`);
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
        expectedFailed: [0, 0],
        lost: 0,
        duplicated: 0,
        finished: false,
        problems: [`error: ${(err as Error).message}`],
        note: '',
      };
    }
    row.note = `${row.note} (${((Date.now() - started) / 1000).toFixed(1)} s)`;
    rows.push(row);
    const problems = verdict(row);
    process.stderr.write(
      `faults: ${scenario.name}: ${problems.length === 0 ? 'ok' : `FAILED: ${problems.join('; ')}`}\n`,
    );
  }

  const corpus: CorpusResult[] = !control && (only.length === 0 || only.includes('corpus')) ? await runCorpus() : [];

  process.stdout.write('\nFault scenarios\n\n');
  process.stdout.write(
    `${table(
      ['scenario', 'runs', 'expected', 'grouped', 'failed', 'lost', 'duplicated', 'outcome', 'notes'],
      rows.map((r) => {
        const [min, max] = r.expectedFailed;
        const problems = verdict(r);
        return [
          r.scenario,
          String(r.runs),
          String(r.expected),
          String(r.grouped),
          `${r.failed} (want ${min === max ? min : `${min}-${max}`})`,
          String(r.lost),
          String(r.duplicated),
          problems.length === 0 ? 'as expected' : 'FAILED',
          problems.length === 0 ? r.note : `${problems.join('; ')} | ${r.note}`,
        ];
      }),
    )}\n`,
  );
  if (corpus.length > 0) {
    process.stdout.write('\nBad-input corpus\n\n');
    process.stdout.write(
      `${table(
        ['case', 'kind', 'outcome', 'peak RSS MB', 'growth MB', 'error'],
        corpus.map((c) => [
          c.name,
          c.kind,
          !c.ok ? 'FAILED' : /^(ok|completed)/.test(c.message) ? 'handled' : 'clear error',
          `${c.peakRssMb.toFixed(0)} (< ${PEAK_RSS_LIMIT_MB})`,
          c.growthMb.toFixed(1),
          c.ok ? c.message.slice(0, 110) : `${c.problems.join('; ')} | ${c.message.slice(0, 110)}`,
        ]),
      )}\n`,
    );
  }
  if (control) {
    const held = rows.filter(ok).map((r) => r.scenario);
    process.stdout.write(
      `\nfaults --no-faults: ${rows.length - held.length} of ${rows.length} scenarios failed without their fault${held.length > 0 ? `; checks still held in: ${held.join(', ')}` : ''}\n`,
    );
    process.exit(rows.length > 0 && held.length === 0 ? 0 : 1);
  }
  const passed = rows.filter(ok).length + corpus.filter((c) => c.ok).length;
  const failed = rows.length - rows.filter(ok).length + corpus.length - corpus.filter((c) => c.ok).length;
  process.stdout.write(`\nfaults: ${passed} passed, ${failed} failed\n`);
  process.exit(failed === 0 && passed > 0 ? 0 : 1);
}

void main();
