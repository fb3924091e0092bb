import type { Panel } from './chart.js';
import type { ScaleRow } from './run-row.js';
import { describeSlope, logLogSlope } from './slope.js';

/** The row fields whose growth the report states, with how each is named. */
export const METRICS = {
  seconds: 'wall time',
  loaderPeakMb: 'loader peak RSS',
  aggregatorPeakMb: 'aggregator peak RSS',
  redisPeakMb: 'Redis peak memory',
  flowMs: 'time to build the flow',
  finaliseMs: 'time to finalise',
  afterFlowMs: 'flow enqueued to run written',
  pageMs: 'page (GET /)',
  apiMs: 'API (GET /api/topics)',
} as const;
export type Metric = keyof typeof METRICS;

export interface Slopes {
  /** Each metric against articles, on the 100-feed rows. */
  byArticles: Record<Metric, number | null>;
  /** Each metric against feeds, on the ten-articles-a-feed rows. */
  byFeeds: Record<Metric, number | null>;
}

/**
 * A failed row counts with what it measured before it stopped (its peaks, its flow): a
 * value it never took is NaN or null, and left out of slopes and chart alike.
 */
const measured = (rows: ScaleRow[]) => rows;
const metricOf = (row: ScaleRow, m: Metric): number => {
  const v = row[m];
  return typeof v === 'number' ? v : Number.NaN;
};

export function slopesOf(rows: ScaleRow[]): Slopes {
  const of = (series: 'feeds' | 'articles', x: (r: ScaleRow) => number) =>
    Object.fromEntries(
      (Object.keys(METRICS) as Metric[]).map((m) => [
        m,
        logLogSlope(
          measured(rows)
            .filter((r) => r.series.includes(series))
            .map((r) => ({ x: x(r), y: metricOf(r, m) })),
        ),
      ]),
    ) as Record<Metric, number | null>;
  return { byArticles: of('articles', (r) => r.articles), byFeeds: of('feeds', (r) => r.feeds) };
}

const cell = (v: number | null | undefined, digits = 0) =>
  v === null || v === undefined || Number.isNaN(v) ? '–' : v.toFixed(digits);

/** The rows as a Markdown table, then each curve's slope. */
export function markdownTables(rows: ScaleRow[], slopes: Slopes): string {
  const head =
    '| feeds | articles | seconds | articles/s | loader MB | aggregator MB | Redis MB | flow ms | after flow ms | finalise ms | page ms | API ms | feeds failed | max per host |\n' +
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |';
  const body = rows.map(
    (r) =>
      `| ${r.feeds} | ${r.articles} | ${r.error ? 'failed¹' : cell(r.seconds, 1)} | ${cell(r.articlesPerSecond)} | ${cell(r.loaderPeakMb)} | ${cell(r.aggregatorPeakMb)} | ${cell(r.redisPeakMb)} | ${cell(r.flowMs)} | ${cell(r.afterFlowMs)} | ${cell(r.finaliseMs)} | ${cell(r.pageMs, 1)} | ${cell(r.apiMs, 1)} | ${r.error ? '–' : r.feedsFailed} | ${r.error ? '–' : r.maxInFlightPerHost} |`,
  );
  const notes = rows.flatMap((r) => [
    ...(r.error ? [`- ¹ ${r.feeds} feeds, ${r.articles} articles failed: ${r.error.split('\n')[0]}`] : []),
    ...r.notes.map((n) => `- ${r.feeds} feeds, ${r.articles} articles: ${n}`),
  ]);
  const slopeRows = (Object.keys(METRICS) as Metric[]).map(
    (m) => `| ${METRICS[m]} | ${describeSlope(slopes.byArticles[m])} | ${describeSlope(slopes.byFeeds[m])} |`,
  );
  return [
    head,
    ...body,
    ...(notes.length > 0 ? ['', ...notes] : []),
    '',
    'Slope of each curve: the least-squares slope of log(value) against log(articles) on the 100-feed rows, and against log(feeds) on the ten-articles-a-feed rows (1 = grows with the work, 0 = flat).',
    '',
    '| curve | against articles | against feeds |',
    '| --- | --- | --- |',
    ...slopeRows,
  ].join('\n');
}

/** The three log-log panels of docs/scale-chart.svg. */
export function chartPanels(rows: ScaleRow[]): Panel[] {
  const good = measured(rows);
  const articlesRows = good.filter((r) => r.series.includes('articles'));
  const feedsRows = good.filter((r) => r.series.includes('feeds'));
  const series = (name: string, list: ScaleRow[], m: Metric) => ({
    name,
    points: list.map((r) => ({ x: r.articles, y: metricOf(r, m) })),
  });
  return [
    {
      title: 'Wall time of a run',
      xLabel: 'articles',
      yLabel: 'seconds',
      series: [series('100 feeds', articlesRows, 'seconds'), series('10 articles a feed', feedsRows, 'seconds')],
    },
    {
      title: 'Peak memory (100 feeds)',
      xLabel: 'articles',
      yLabel: 'MB',
      series: [
        series('loader', articlesRows, 'loaderPeakMb'),
        series('aggregator', articlesRows, 'aggregatorPeakMb'),
        series('Redis', articlesRows, 'redisPeakMb'),
      ],
    },
    {
      title: 'Steps and reads (100 feeds)',
      xLabel: 'articles',
      yLabel: 'ms',
      series: [
        series('flow', articlesRows, 'flowMs'),
        series('after flow', articlesRows, 'afterFlowMs'),
        series('finalise', articlesRows, 'finaliseMs'),
        series('page', articlesRows, 'pageMs'),
        series('API', articlesRows, 'apiMs'),
      ],
    },
  ];
}

/** Replaces what lies between the two markers, keeping everything around them. */
export function replaceBetween(text: string, begin: string, end: string, content: string): string {
  const from = text.indexOf(begin);
  const to = text.indexOf(end);
  if (from === -1 || to === -1 || to < from) return `${text.trimEnd()}\n\n${begin}\n${content}\n${end}\n`;
  return `${text.slice(0, from + begin.length)}\n${content}\n${text.slice(to)}`;
}
