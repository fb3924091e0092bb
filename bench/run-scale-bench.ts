/**
 * `pnpm bench:scale [--quick]`: the cost curve of a run, measured on the real services (each
 * its own process: loader, no-op classifier, aggregator, dashboard) against a feed farm on
 * several loopback hosts. One fresh redis-server and stack per row. Writes
 * bench/results/scale.json, docs/scale-chart.svg and the generated part of docs/performance.md.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BENCH_DIR } from './src/bench-setup.js';
import { logLogChart } from './src/scale/chart.js';
import { rowTimeoutMs, runRow, type ScaleRow } from './src/scale/run-row.js';
import { chartPanels, markdownTables, replaceBetween, slopesOf } from './src/scale/scale-report.js';
import { scenarios } from './src/scale/scenarios.js';

const QUICK = process.argv.includes('--quick');
const ROOT = path.resolve(BENCH_DIR, '..');
const BEGIN = '<!-- scale-bench:begin (written by pnpm bench:scale) -->';
const END = '<!-- scale-bench:end -->';
const SETTINGS = {
  slowMs: 500,
  historyDays: 30,
  historyCapPerDay: 5_000,
  classifierConcurrency: 16,
  fetchTimeoutMs: 2_000,
  fetchRetries: 1,
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
  const slopes = slopesOf(rows);
  const machine = {
    cpus: os.cpus()[0]?.model,
    cores: os.availableParallelism(),
    memoryGb: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
  };
  const seconds = Math.round((Date.now() - started) / 1000);
  const result = { date: new Date().toISOString(), quick: QUICK, machine, settings: SETTINGS, seconds, rows, slopes };
  fs.mkdirSync(path.join(BENCH_DIR, 'results'), { recursive: true });
  fs.writeFileSync(path.join(BENCH_DIR, 'results/scale.json'), `${JSON.stringify(result, null, 2)}\n`);
  fs.writeFileSync(
    path.join(ROOT, 'docs/scale-chart.svg'),
    logLogChart(
      chartPanels(rows),
      'tidings scale bench: wall time, peak memory and step times against articles, log-log',
    ),
  );
  const tables = markdownTables(rows, slopes);
  const docs = path.join(ROOT, 'docs/performance.md');
  const heading = `Measured ${result.date.slice(0, 10)} with \`pnpm bench:scale${QUICK ? ' --quick' : ''}\` on ${machine.cpus} (${machine.cores} cores), in ${seconds} s.\n\n![Log-log cost curves](scale-chart.svg)\n`;
  fs.writeFileSync(docs, replaceBetween(fs.readFileSync(docs, 'utf8'), BEGIN, END, `${heading}\n${tables}`));
  process.stdout.write(
    `\n${tables}\n\nwrote bench/results/scale.json, docs/scale-chart.svg, docs/performance.md in ${seconds} s\n`,
  );
  process.exit(rows.some((r) => r.error) ? 1 : 0);
}

void main();
