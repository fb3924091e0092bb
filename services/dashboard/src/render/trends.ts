import type { TrendDay } from '../api/history.js';
import { html, raw, type SafeHtml } from './html.js';

const W = 600;
const H = 120;

/**
 * Topic volume over the last days as server-rendered SVG (no JavaScript, nothing inline that
 * the CSP would block): one bar a day for all topics, and a small line per topic beside its
 * name. Nothing is told by colour alone: each sparkline sits next to its label, and the
 * numbers are in a table for screen readers and anyone who wants them.
 */
export function trendsSection(days: TrendDay[], labels: string[]): SafeHtml {
  if (days.length === 0) return html``;
  const totals = days.map((d) => Object.values(d.counts).reduce((a, b) => a + b, 0));
  const max = Math.max(1, ...totals);
  const barW = W / days.length;
  const bars = days.map((d, i) => {
    const h = Math.round(((totals[i] ?? 0) / max) * (H - 16));
    return html`<rect x="${(i * barW + 1).toFixed(1)}" y="${H - h}" width="${(barW - 2).toFixed(1)}" height="${h}"><title>${d.day}: ${totals[i]} articles</title></rect>`;
  });
  const first = days[0]?.day ?? '';
  const last = days.at(-1)?.day ?? '';
  return html`<section class="trends" id="trends">
    <h2>Topics over the last ${days.length} days</h2>
    <svg class="trend-chart" viewBox="0 0 ${W} ${H + 14}" role="img" aria-labelledby="trend-title">
      <title id="trend-title">Articles per day from ${first} to ${last}, at most ${max} a day</title>
      <g class="bars">${bars}</g>
      <text x="0" y="${H + 12}" class="axis">${first}</text>
      <text x="${W}" y="${H + 12}" class="axis" text-anchor="end">${last}</text>
    </svg>
    <ul class="sparklines">${labels.map((l) => sparkline(l, days))}</ul>
    <details class="trend-table"><summary>The numbers as a table</summary>
      <table id="trend-table">
        <caption>Articles per topic and day</caption>
        <thead><tr><th scope="col">Day</th>${labels.map((l) => html`<th scope="col">${l}</th>`)}</tr></thead>
        <tbody>${days.map(
          (d) =>
            html`<tr><th scope="row">${d.day}</th>${labels.map((l) => html`<td class="num">${d.counts[l] ?? 0}</td>`)}</tr>`,
        )}</tbody>
      </table>
    </details>
  </section>`;
}

function sparkline(label: string, days: TrendDay[]): SafeHtml {
  const values = days.map((d) => d.counts[label] ?? 0);
  const max = Math.max(1, ...values);
  const step = days.length > 1 ? 100 / (days.length - 1) : 0;
  const points = values.map((v, i) => `${(i * step).toFixed(1)},${(20 - (v / max) * 18).toFixed(1)}`).join(' ');
  const total = values.reduce((a, b) => a + b, 0);
  return html`<li><span class="spark-label">${label}</span>
    <svg class="sparkline" viewBox="0 0 100 22" role="img" aria-label="${label}: ${total} articles in ${days.length} days, at most ${max} a day"><polyline points="${raw(points)}"/></svg>
    <span class="num">${total}</span></li>`;
}
