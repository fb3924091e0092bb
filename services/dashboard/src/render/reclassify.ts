import type { ReclassifyReport, TopicArticle } from '@tidings/shared';
import { html, type SafeHtml } from './html.js';

/**
 * "Classified by an older version": an article whose stored label was made by a classifier
 * version other than the current one (or before versions were recorded), so the reader knows
 * a re-score could move it.
 */
export function olderVersionNote(a: TopicArticle, current: string | null): SafeHtml | '' {
  if (!current || a.version === current) return '';
  const title = a.version
    ? `classified by classifier version ${a.version}; the current one is ${current}`
    : `classified before classifier versions were recorded; the current one is ${current}`;
  return html`<span class="older-version" title="${title}">classified by an older version</span>`;
}

function reportRow(report: ReclassifyReport, base: string, operator: boolean): SafeHtml {
  const { counts } = report;
  const state = report.applied
    ? html`applied: ${report.applied.changed} changed`
    : report.selection.dryRun && operator
      ? html`<form method="post" action="${base}/reclassify/${encodeURIComponent(report.runId)}/apply"><button type="submit">Apply ${counts.changed} change${counts.changed === 1 ? '' : 's'}</button></form>`
      : report.selection.dryRun
        ? 'dry run, not applied'
        : 'incomplete, not applied';
  return html`<tr data-reclassify="${report.runId}">
    <td><a href="${base}/api/reclassify/${encodeURIComponent(report.runId)}">${report.runId}</a></td>
    <td>${report.selection.since.slice(0, 10)}${report.selection.topic ? html` · ${report.selection.topic}` : ''}</td>
    <td>${counts.agreed} of ${counts.compared} agree</td>
    <td>${counts.changed}</td>
    <td>${state}</td>
  </tr>`;
}

/**
 * Re-scoring stored articles: the latest reports and, for an operator (signed in, or no
 * token set), the form that starts a run and the button that applies a dry run.
 */
export function reclassifySection(
  reports: ReclassifyReport[],
  options: { base: string; operator: boolean; retentionDays: number },
): SafeHtml | '' {
  const { base, operator } = options;
  if (!operator && reports.length === 0) return '';
  const days = [1, 7, 30, 90].filter((d) => d <= options.retentionDays);
  return html`<section class="reclassify" id="reclassify">
    <h2>Re-scoring</h2>
    ${
      operator
        ? html`<form method="post" action="${base}/reclassify" id="reclassify-form">
        <label for="reclassify-days">Classify again the articles of the last</label>
        <select id="reclassify-days" name="days">${days.map((d) => html`<option value="${d}">${d} day${d === 1 ? '' : 's'}</option>`)}</select>
        <label><input type="checkbox" name="dryRun" checked> dry run (report only)</label>
        <button type="submit">Reclassify</button>
      </form>`
        : ''
    }
    ${
      reports.length > 0
        ? html`<table>
        <thead><tr><th>Run</th><th>Since</th><th>Agreement</th><th>Changes</th><th></th></tr></thead>
        <tbody>${reports.map((r) => reportRow(r, base, operator))}</tbody>
      </table>`
        : ''
    }
  </section>`;
}
