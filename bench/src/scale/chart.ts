import type { Point } from './slope.js';

export interface Series {
  name: string;
  points: Point[];
}

export interface Panel {
  title: string;
  xLabel: string;
  yLabel: string;
  series: Series[];
}

/** A log10 scale from [min, max] to [from, to]; a single value maps to the middle. */
export function logScale(min: number, max: number, from: number, to: number): (v: number) => number {
  const lo = Math.log10(min);
  const hi = Math.log10(max);
  if (hi === lo) return () => (from + to) / 2;
  return (v) => from + ((Math.log10(v) - lo) / (hi - lo)) * (to - from);
}

/** The powers of ten that bracket [min, max]: the axis runs from one to the other. */
export function decadeBounds(min: number, max: number): { lo: number; hi: number } {
  const lo = 10 ** Math.floor(Math.log10(min));
  let hi = 10 ** Math.ceil(Math.log10(max));
  if (hi === lo) hi = lo * 10;
  return { lo, hi };
}

/** Every power of ten from lo to hi. */
export function decades(lo: number, hi: number): number[] {
  const out: number[] = [];
  for (let v = lo; v <= hi * 1.000001; v *= 10) out.push(Number(v.toPrecision(1)));
  return out;
}

const COLOURS = ['#1b6ca8', '#d1495b', '#2e933c', '#edae49', '#6a4c93', '#00798c'];
const W = 360;
const H = 280;
const M = { left: 56, right: 12, top: 28, bottom: 64 };

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const label = (v: number) => (v >= 1000 ? `${v / 1000}k` : String(v));

function panelSvg(panel: Panel, dx: number): string {
  const points = panel.series.flatMap((s) => s.points).filter((p) => p.x > 0 && p.y > 0);
  if (points.length === 0)
    return `<g transform="translate(${dx},0)"><text x="${M.left}" y="20">${esc(panel.title)}: no data</text></g>`;
  const xb = decadeBounds(Math.min(...points.map((p) => p.x)), Math.max(...points.map((p) => p.x)));
  const yb = decadeBounds(Math.min(...points.map((p) => p.y)), Math.max(...points.map((p) => p.y)));
  const x = logScale(xb.lo, xb.hi, M.left, W - M.right);
  const y = logScale(yb.lo, yb.hi, H - M.bottom, M.top);
  const parts: string[] = [`<g transform="translate(${dx},0)">`];
  parts.push(`<text x="${M.left}" y="16" font-weight="bold">${esc(panel.title)}</text>`);
  for (const v of decades(xb.lo, xb.hi)) {
    const px = x(v).toFixed(1);
    parts.push(`<line x1="${px}" y1="${M.top}" x2="${px}" y2="${H - M.bottom}" stroke="#ddd"/>`);
    parts.push(`<text x="${px}" y="${H - M.bottom + 14}" text-anchor="middle">${label(v)}</text>`);
  }
  for (const v of decades(yb.lo, yb.hi)) {
    const py = y(v).toFixed(1);
    parts.push(`<line x1="${M.left}" y1="${py}" x2="${W - M.right}" y2="${py}" stroke="#ddd"/>`);
    parts.push(`<text x="${M.left - 4}" y="${py}" text-anchor="end" dominant-baseline="middle">${label(v)}</text>`);
  }
  parts.push(
    `<text x="${(M.left + W - M.right) / 2}" y="${H - M.bottom + 30}" text-anchor="middle">${esc(panel.xLabel)}</text>`,
  );
  parts.push(
    `<text transform="translate(14,${(M.top + H - M.bottom) / 2}) rotate(-90)" text-anchor="middle">${esc(panel.yLabel)}</text>`,
  );
  panel.series.forEach((s, i) => {
    const colour = COLOURS[i % COLOURS.length];
    const pts = s.points.filter((p) => p.x > 0 && p.y > 0).sort((a, b) => a.x - b.x);
    if (pts.length > 1)
      parts.push(
        `<polyline fill="none" stroke="${colour}" stroke-width="2" points="${pts.map((p) => `${x(p.x).toFixed(1)},${y(p.y).toFixed(1)}`).join(' ')}"/>`,
      );
    for (const p of pts)
      parts.push(`<circle cx="${x(p.x).toFixed(1)}" cy="${y(p.y).toFixed(1)}" r="3" fill="${colour}"/>`);
    const ly = H - M.bottom + 44;
    const lx = M.left + (i % 3) * 100;
    parts.push(`<rect x="${lx}" y="${ly + Math.floor(i / 3) * 14 - 8}" width="10" height="10" fill="${colour}"/>`);
    parts.push(`<text x="${lx + 14}" y="${ly + Math.floor(i / 3) * 14}">${esc(s.name)}</text>`);
  });
  parts.push('</g>');
  return parts.join('\n');
}

/** Log-log panels side by side in one SVG document; `title` is what a screen reader says. */
export function logLogChart(panels: Panel[], title = panels.map((p) => p.title).join('; ')): string {
  const width = W * panels.length;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" role="img" width="${width}" height="${H + 10}" viewBox="0 0 ${width} ${H + 10}" font-family="sans-serif" font-size="11">`,
    `<title>${esc(title)}</title>`,
    `<rect width="${width}" height="${H + 10}" fill="white"/>`,
    ...panels.map((p, i) => panelSvg(p, i * W)),
    '</svg>',
    '',
  ].join('\n');
}
