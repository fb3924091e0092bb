import { type ClassifyResult, QUEUE } from '@tidings/shared';
import type { Queue } from 'bullmq';

export interface RunProgress {
  runId: string;
  state: string;
  done: number;
  failed: number;
  total: number;
  perTopic: Record<string, number>;
}

/** Where a run stands, read from its parent job in the "aggregate" queue. */
export async function readRunProgress(aggregateQueue: Queue, runId: string): Promise<RunProgress | null> {
  if (aggregateQueue.name !== QUEUE.aggregate) throw new Error('readRunProgress needs the aggregate queue');
  const job = await aggregateQueue.getJob(runId);
  if (!job) return null;
  const [state, counts, values] = await Promise.all([
    job.getState(),
    job.getDependenciesCount({ processed: true, unprocessed: true, ignored: true }),
    job.getChildrenValues<ClassifyResult>(),
  ]);
  const perTopic: Record<string, number> = {};
  for (const v of Object.values(values)) if (v?.label) perTopic[v.label] = (perTopic[v.label] ?? 0) + 1;
  const done = counts.processed ?? 0;
  const failed = counts.ignored ?? 0;
  return { runId, state, done, failed, total: done + failed + (counts.unprocessed ?? 0), perTopic };
}

export function formatProgress(p: RunProgress): string {
  const topics = Object.entries(p.perTopic)
    .sort((a, b) => b[1] - a[1])
    .map(([label, n]) => `${label} ${n}`)
    .join(', ');
  return `run ${p.runId}: classified ${p.done}/${p.total}${p.failed ? `, failed ${p.failed}` : ''}${topics ? ` | ${topics}` : ''}`;
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
