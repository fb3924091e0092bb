/**
 * `pnpm bench:scale [--quick]`: the cost curve of a run, measured on the real services (each
 * its own process: loader, no-op classifier, aggregator, dashboard) against a feed farm on
 * several loopback hosts. One fresh redis-server and stack per row. Writes
 * bench/results/scale.json, docs/scale-chart.svg and the generated part of docs/performance.md.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BENCH_DIR } from './bench-setup.js';
import { logLogChart } from './scale/chart.js';
import { rowTimeoutMs, runRow, type ScaleRow, STACK_SETTINGS } from './scale/run-row.js';
import { chartPanels, markdownTables, replaceBetween, slopesOf } from './scale/scale-report.js';
import { scenarios } from './scale/scenarios.js';

const QUICK = process.argv.includes('--quick');
/** Rewrites the chart and the docs from bench/results/scale.json without running anything. */
const REPORT_ONLY = process.argv.includes('--report');
const ROOT = path.resolve(BENCH_DIR, '..');
const RESULTS = path.join(BENCH_DIR, 'results/scale.json');
const BEGIN = '<!-- scale-bench:begin (written by pnpm bench:scale) -->';
const END = '<!-- scale-bench:end -->';
const SETTINGS = {
  slowMs: 500,
  historyDays: 30,
  historyCapPerDay: 5_000,
  env: STACK_SETTINGS,
};

async function main() {
  const started = Date.now();
  const rows: ScaleRow[] = [];
  for (const [i, scenario] of scenarios({ quick: QUICK }).entries()) {
    const rowStarted = Date.now();
    process.stdout.write(`scale: ${scenario.feeds} feeds, ${scenario.articles} articles … `);
    const row = await runRow(scenario, {
      tag: `s${started.toString(36)}-${i}`,
      timeoutMs: rowTimeoutMs(scenario.articles),
      slowMs: SETTINGS.slowMs,
      historyDays: SETTINGS.historyDays,
      historyCapPerDay: SETTINGS.historyCapPerDay,
    });
    rows.push(row);
    process.stdout.write(
      row.error
        ? `FAILED: ${row.error}\n`
        : `${row.seconds} s, ${row.articlesPerSecond} articles/s, loader ${row.loaderPeakMb} MB, aggregator ${row.aggregatorPeakMb} MB, Redis ${row.redisPeakMb} MB, flow ${row.flowMs} ms, finalise ${row.finaliseMs} ms, page ${row.pageMs} ms, API ${row.apiMs} ms (row took ${((Date.now() - rowStarted) / 1000).toFixed(0)} s)\n`,
    );
  }
  const machine = {
    cpus: os.cpus()[0]?.model,
    cores: os.availableParallelism(),
    memoryGb: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
  };
  const seconds = Math.round((Date.now() - started) / 1000);
  const result: ScaleResult = {
    date: new Date().toISOString(),
    quick: QUICK,
    machine,
    settings: SETTINGS,
    seconds,
    rows,
    slopes: slopesOf(rows),
  };
  fs.mkdirSync(path.dirname(RESULTS), { recursive: true });
  fs.writeFileSync(RESULTS, `${JSON.stringify(result, null, 2)}\n`);
  writeReport(result);
  process.exit(rows.some((r) => r.error) ? 1 : 0);
}

interface ScaleResult {
  date: string;
  quick: boolean;
  machine: { cpus: string | undefined; cores: number };
  settings: typeof SETTINGS;
  seconds: number;
  rows: ScaleRow[];
  slopes: ReturnType<typeof slopesOf>;
}

function writeReport(result: ScaleResult) {
  const slopes = slopesOf(result.rows);
  fs.writeFileSync(
    path.join(ROOT, 'docs/scale-chart.svg'),
    logLogChart(
      chartPanels(result.rows),
      'tidings scale bench: wall time, peak memory and step times against articles, log-log',
    ),
  );
  const tables = markdownTables(result.rows, slopes);
  const docs = path.join(ROOT, 'docs/performance.md');
  const heading = `Measured ${result.date.slice(0, 10)} with \`pnpm bench:scale${result.quick ? ' --quick' : ''}\` on ${result.machine.cpus} (${result.machine.cores} cores), in ${result.seconds} s.\n\n![Log-log cost curves](scale-chart.svg)\n`;
  fs.writeFileSync(docs, replaceBetween(fs.readFileSync(docs, 'utf8'), BEGIN, END, `${heading}\n${tables}`));
  process.stdout.write(`\n${tables}\n\nwrote docs/scale-chart.svg and docs/performance.md\n`);
}

if (REPORT_ONLY) {
  writeReport(JSON.parse(fs.readFileSync(RESULTS, 'utf8')) as ScaleResult);
} else {
  void main();
}
