import type { RunProgress } from '@tidings/run-requests';

export function formatProgress(p: RunProgress): string {
  const topics = Object.entries(p.perTopic ?? {})
    .sort((a, b) => b[1] - a[1])
    .map(([label, n]) => `${label} ${n}`)
    .join(', ');
  const feeds = p.feedsRead < p.feeds ? `feeds read ${p.feedsRead}/${p.feeds}, ` : '';
  return `run ${p.runId}: ${feeds}classified ${p.classified}/${p.total}${p.failed ? `, failed ${p.failed}` : ''}${topics ? ` | ${topics}` : ''}`;
}

/**
 * Shows progress on stderr: one line rewritten in place on a terminal, a new line per
 * change otherwise (logs and CI keep a readable history).
 */
export class ProgressDisplay {
  private last = '';
  constructor(private readonly stream: NodeJS.WriteStream = process.stderr) {}

  update(line: string): void {
    if (line === this.last) return;
    this.last = line;
    if (this.stream.isTTY) this.stream.write(`\r\x1b[2K${line}`);
    else this.stream.write(`${line}\n`);
  }

  done(): void {
    if (this.stream.isTTY && this.last) this.stream.write('\n');
  }
}
