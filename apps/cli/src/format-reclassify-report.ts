import type { ReclassifyReport } from '@tidings/shared';

const percent = (part: number, whole: number) => (whole === 0 ? '-' : `${((100 * part) / whole).toFixed(1)}%`);

/** A reclassify report as plain text: what was compared, agreement overall and per label, the confusion and the changes. */
export function formatReclassifyReport(report: ReclassifyReport, { changes = 20 } = {}): string {
  const { counts, selection } = report;
  const lines = [
    `Reclassify run ${report.runId}${selection.dryRun ? ' (dry run: nothing written)' : ''}`,
    `  articles published ${selection.since} to ${selection.until}${selection.topic ? `, labelled ${selection.topic}` : ''}`,
    `  ${counts.selected} selected, ${counts.classified} classified, ${counts.failed} failed, ${counts.compared} compared with their stored label`,
    `  stored labels made by: ${Object.entries(report.fromVersions)
      .map(([v, n]) => `${v} (${n})`)
      .join(', ')}; new labels by: ${Object.entries(report.toVersions)
      .map(([v, n]) => `${v} (${n})`)
      .join(', ')}`,
    '',
    `Agreement: ${counts.agreed} of ${counts.compared} (${percent(counts.agreed, counts.compared)}); ${counts.changed} would change label`,
    '',
    'Per label (stored -> new, kept):',
  ];
  for (const [label, l] of Object.entries(report.perLabel).sort(([a], [b]) => a.localeCompare(b)))
    lines.push(
      `  ${label.padEnd(16)} ${String(l.before).padStart(6)} -> ${String(l.after).padStart(6)}, kept ${l.agreed}`,
    );
  const moves = Object.entries(report.confusion)
    .flatMap(([from, to]) => Object.entries(to).map(([label, n]) => ({ from, label, n })))
    .filter((m) => m.from !== m.label)
    .sort((a, b) => b.n - a.n);
  if (moves.length > 0) {
    lines.push('', 'Moves (stored -> new):');
    for (const m of moves) lines.push(`  ${m.from} -> ${m.label}: ${m.n}`);
  }
  if (report.changes.length > 0) {
    lines.push('', `Articles that change (${Math.min(changes, report.changes.length)} of ${counts.changed}):`);
    for (const c of report.changes.slice(0, changes))
      lines.push(`  ${c.articleId}  ${c.from} -> ${c.to} (${c.score.toFixed(2)})  ${c.title}`);
  }
  if (report.failures.length > 0) {
    lines.push('', `Failed (${counts.failed}):`);
    for (const f of report.failures.slice(0, 10)) lines.push(`  ${f.articleId}  ${f.reason}`);
  }
  lines.push('');
  if (report.applied)
    lines.push(
      `Applied ${report.applied.appliedAt}: ${report.applied.changed} changed, ${report.applied.unchanged} kept their label, ${report.applied.skipped} skipped`,
    );
  else {
    const why = selection.dryRun
      ? 'a dry run'
      : `incomplete (${report.reason ?? `${counts.failed} article(s) failed`}), so the stored labels were left untouched`;
    lines.push(`Not applied: ${why}. \`tidings reclassify apply ${report.runId}\` writes these labels.`);
  }
  return `${lines.join('\n')}\n`;
}
