import type { EvaluationReport, LabelEvaluation } from '@tidings/feedback';
import type { Calibration, CalibrationVerdict, EvaluationSummary } from '@tidings/shared';

const n3 = (x: number) => x.toFixed(3);
const summaryLine = (s: EvaluationSummary) =>
  `macro-F1 ${n3(s.macroF1)}  accuracy ${n3(s.accuracy)}  ECE ${n3(s.ece)}  NLL ${n3(s.nll)}  (${s.examples} examples)`;

function labelTable(e: LabelEvaluation): string[] {
  const lines = ['  label             precision  recall      F1  support'];
  for (const m of e.perLabel)
    lines.push(
      `  ${m.label.padEnd(16)} ${n3(m.precision).padStart(10)} ${n3(m.recall).padStart(7)} ${n3(m.f1).padStart(7)} ${String(m.support).padStart(8)}`,
    );
  lines.push('', '  confusion (rows: right label, columns: classified as):');
  const width = Math.max(5, ...e.labels.map((l) => l.length)) + 1;
  lines.push(`  ${''.padEnd(16)}${e.labels.map((l) => l.padStart(width)).join('')}`);
  e.labels.forEach((l, i) => {
    lines.push(`  ${l.padEnd(16)}${(e.confusion[i] ?? []).map((c) => String(c).padStart(width)).join('')}`);
  });
  return lines;
}

/**
 * An evaluation as plain text: per-label metrics and confusion with the model's own scores,
 * then after (`afterIs` says under what; null: nothing to compare, no calibration in force),
 * then the own topics.
 */
export function formatEvaluation(report: EvaluationReport, afterIs: string | null): string {
  const { before, after } = report.labels;
  const lines: string[] = [];
  if (before.examples > 0) {
    lines.push(`Shared labels, the model's own scores: ${summaryLine(before)}`, ...labelTable(before), '');
    if (afterIs) lines.push(`Shared labels, ${afterIs}: ${summaryLine(after)}`, ...labelTable(after));
  }
  if (report.own.before.examples > 0) {
    lines.push('', `Own topics at OWN_TOPIC_THRESHOLD: ${summaryLine(report.own.before)}`);
    if (afterIs) lines.push(`Own topics, ${afterIs}: ${summaryLine(report.own.after)}`);
  }
  if (!afterIs) lines.push('', 'No calibration in force: these are the scores and matches the classifier stores.');
  return `${lines.join('\n')}\n`;
}

function verdictLines(name: string, v: CalibrationVerdict): string[] {
  if (v.before.examples === 0) return [`${name}: refused: ${v.reason}`];
  return [
    `${name}: ${v.adopted ? 'ADOPTED' : 'refused'}: ${v.reason}`,
    `  held out, the model's own: ${summaryLine(v.before)}`,
    `  held out, calibrated:      ${summaryLine(v.after)}`,
  ];
}

/** A fit's report: each part's cross-validated numbers and whether it was adopted. */
export function formatCalibration(calibration: Calibration, adopted: boolean): string {
  const offsets = Object.entries(calibration.labelOffsets)
    .map(([l, b]) => `${l} ${b >= 0 ? '+' : ''}${b.toFixed(2)}`)
    .join(', ');
  const own = Object.keys(calibration.ownThresholds).length;
  return `${[
    `Calibration ${calibration.id} from ${calibration.votes} verdicts (${calibration.report.labels.folds}-fold cross-validation): ${adopted ? 'now in force' : 'refused; the calibration in force is unchanged'}`,
    ...verdictLines('Shared labels', calibration.report.labels),
    ...(offsets ? [`  offsets: ${offsets}; temperature ${calibration.temperature.toFixed(3)}`] : []),
    ...verdictLines('Own topics', calibration.report.own),
    ...(own > 0 ? [`  learned thresholds for ${own} own topic(s)`] : []),
  ].join('\n')}\n`;
}
