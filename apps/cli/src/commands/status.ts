import { keySpaceOf, loadConfig, type StackStatus } from '@tidings/shared';
import { readStackStatus } from '@tidings/status';
import { withStackConnection } from '../stack-connection.js';

const counts = (c: Record<string, number> | undefined) =>
  ['waiting', 'active', 'delayed', 'waiting-children', 'completed', 'failed']
    .filter((k) => (c?.[k] ?? 0) > 0)
    .map((k) => `${k} ${c?.[k]}`)
    .join(', ') || 'empty';

const REDIS_KIND = { url: 'one server', sentinel: 'Sentinel', cluster: 'Redis Cluster' } as const;

/** The status as one screen of plain text. */
export function formatStatus(status: StackStatus): string {
  const primaries = status.redisPrimaries.join(', ') || 'none answers';
  const lines = [
    `Redis: ${status.redis}`,
    `  ${REDIS_KIND[status.redisKind]}, ${status.redisKind === 'cluster' ? 'primaries' : 'primary'} ${primaries}`,
    '',
    'Queues:',
  ];
  for (const [name, c] of Object.entries(status.queues)) lines.push(`  ${name.padEnd(10)} ${counts(c)}`);
  lines.push('', 'Workers:');
  if (status.workers.length === 0) lines.push('  none connected');
  for (const w of status.workers) {
    const model = w.model
      ? `  ${w.model} (${w.dtype}${w.loadMs === undefined ? '' : `, loaded in ${w.loadMs} ms`}${w.version ? `, version ${w.version}` : ''})`
      : '';
    lines.push(`  ${w.kind.padEnd(10)} ${w.host}${model}`);
  }
  lines.push('', 'Last runs:');
  if (status.runs.length === 0) lines.push('  none yet');
  for (const r of status.runs) {
    const failedFeeds = r.feeds.filter((f) => f.status === 'failed').length;
    lines.push(
      `  ${r.id}  ${r.startedAt.slice(0, 16).replace('T', ' ')}  ${r.counts.classified} classified, ${r.counts.failed} failed${failedFeeds ? `, ${failedFeeds} feed(s) failed` : ''}${r.finalisedBy === 'watchdog' ? ', finalised by the watchdog' : ''}`,
    );
  }
  if (status.classifierVersion)
    lines.push('', `Classifier version: ${status.classifierVersion} (the most recently started classifier's)`);
  if (status.reclassify) {
    const r = status.reclassify;
    lines.push(
      '',
      `Reclassify run ${r.runId}: ${r.state}, ${r.classified + r.failed} of ${r.total} done${r.failed ? `, ${r.failed} failed` : ''}`,
    );
  }
  if (status.backfills.length > 0) {
    lines.push('', 'Own topics being backfilled:');
    for (const b of status.backfills)
      lines.push(`  "${b.topic}"  ${b.state}, ${b.done} of ${b.total} articles scored, ${b.matched} matched`);
  }
  lines.push('', `Next scheduled run: ${status.nextRunAt ?? 'none scheduled (no loader has started yet)'}`);
  if (status.schedule) {
    const s = status.schedule;
    lines.push(
      `  ${s.cron} (${s.tz}); last due ${s.lastDueAt ?? 'never'}; last successful run ${s.lastSuccessfulRun ? `${s.lastSuccessfulRun.id}, finished ${s.lastSuccessfulRun.finishedAt}` : 'none yet'}`,
    );
  }
  lines.push('');
  if (status.problems.length === 0) lines.push('Problems: none');
  else {
    lines.push(`Problems (${status.problems.length}):`);
    for (const p of status.problems) lines.push(`  ${p.kind}${p.where ? ` at ${p.where}` : ''}: ${p.message}`);
  }
  return `${lines.join('\n')}\n`;
}

/** `tidings status [--json]`: exits 1 while there are problems, so scripts can alert on it. */
export async function statusCommand(flags: { json: boolean }): Promise<number> {
  const config = loadConfig();
  const status = await withStackConnection(config, ({ redis, target, queues, store }) =>
    readStackStatus({ redis, target, space: keySpaceOf(config), queues, store }),
  );
  process.stdout.write(flags.json ? `${JSON.stringify(status, null, 2)}\n` : formatStatus(status));
  return status.problems.length > 0 ? 1 : 0;
}
