import fs from 'node:fs';
import path from 'node:path';

/** One bench run's results: the JSON written to bench/results and the table printed. */
export class BenchReport {
  readonly results: Record<string, unknown> = {};
  private readonly rows: string[][] = [];

  row(...cells: string[]): void {
    this.rows.push(cells);
  }

  write(file: string, extra: Record<string, unknown>): void {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, `${JSON.stringify({ ...extra, results: this.results }, null, 2)}\n`);
  }

  table(): string {
    const widths = [0, 1, 2, 3].map((i) => Math.max(...this.rows.map((r) => (r[i] ?? '').length)));
    return this.rows.map((r) => `${r.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ')}\n`).join('');
  }
}
