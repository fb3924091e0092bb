import { classifyText, type NliModel, type OwnTopicQuestion } from '@tidings/classifier';
import { ownTopicId } from '@tidings/shared';
import { measurePeakRss } from '@tidings/testing';
import { OPTIONS, REPEATS } from '../bench-setup.js';
import { benchPremise, fmt, type Stat, stat } from '../measure.js';
import type { BenchReport } from '../report.js';
import { logLogChart } from '../scale/chart.js';

/** Distinct own topics per deployment the curve is measured at. */
export const OWN_TOPIC_COUNTS = [0, 10, 50, 200] as const;
/** CLASSIFY_BATCH_SIZE's default. */
const BATCH_SIZE = 16;

/** `n` distinct three-word topics from the bench vocabulary. */
function ownTopics(n: number): OwnTopicQuestion[] {
  return Array.from({ length: n }, (_, i) => {
    const words = `w${2000 + i} w${5000 + ((i * 31) % 40000)} w${9000 + ((i * 97) % 40000)}`;
    return { id: ownTopicId(words), words };
  });
}

export interface OwnTopicCost {
  /** Seconds per article at each number of distinct own topics. */
  perArticle: Record<number, Stat>;
  /** The process's peak RSS after each count's articles (cumulative: the highest so far). */
  peakRssMb: Record<number, number>;
  /** Seconds added per distinct own topic, from the 0 and 200 medians. */
  secondsPerTopic: number;
  model: string;
  batchSize: number;
}

/**
 * Time per article against the number of distinct own topics: the labels' batch plus the
 * own topics in padded batches of CLASSIFY_BATCH_SIZE. The counts take turns within each
 * repeat (0, 10, 50, 200, 0, 10, …), so a machine that slows down mid-run slows every count
 * alike and the ratios stay honest.
 */
export async function ownTopicCost(
  report: BenchReport,
  model: NliModel,
  modelName: string,
  repeats = REPEATS,
): Promise<OwnTopicCost> {
  const times = new Map<number, number[]>(OWN_TOPIC_COUNTS.map((n) => [n, []]));
  const peakRssMb: Record<number, number> = {};
  const topics = new Map(OWN_TOPIC_COUNTS.map((n) => [n, ownTopics(n)]));
  for (const n of OWN_TOPIC_COUNTS)
    await classifyText(model, benchPremise(0), OPTIONS, { ownTopics: topics.get(n), batchSize: BATCH_SIZE });
  for (let r = 0; r < repeats; r++) {
    for (const n of OWN_TOPIC_COUNTS) {
      const { value, peakMb } = await measurePeakRss(async () => {
        const started = performance.now();
        await classifyText(model, benchPremise(r + 1), OPTIONS, { ownTopics: topics.get(n), batchSize: BATCH_SIZE });
        return (performance.now() - started) / 1000;
      });
      times.get(n)?.push(value);
      peakRssMb[n] = Math.max(peakRssMb[n] ?? 0, peakMb);
    }
  }
  const perArticle = Object.fromEntries(OWN_TOPIC_COUNTS.map((n) => [n, stat(times.get(n) ?? [])]));
  const base = perArticle[0]?.median ?? Number.NaN;
  const top = perArticle[200]?.median ?? Number.NaN;
  const secondsPerTopic = (top - base) / 200;
  for (const n of OWN_TOPIC_COUNTS) {
    const s = perArticle[n] as Stat;
    const pairs = OPTIONS.labels.length + n;
    report.row(
      `9 own topics: ${n} distinct (${modelName})`,
      `${fmt(s, 4)} s/article`,
      `${(peakRssMb[n] ?? 0).toFixed(0)} MB`,
      n === 0
        ? `labels only (${pairs} pairs, one batch)`
        : `${(s.median / base).toFixed(2)}× no own topics (${pairs} pairs, ${1 + Math.ceil(n / BATCH_SIZE)} batches); +${(((s.median - base) / n) * 1000).toFixed(3)} ms per topic`,
    );
  }
  return { perArticle, peakRssMb, secondsPerTopic, model: modelName, batchSize: BATCH_SIZE };
}

/**
 * Seconds per article against pairs per article (the labels plus the distinct own topics),
 * log-log, one line per model measured (a short name: the legend has 100 px a line); a
 * slope of 1 is a cost linear in the topics.
 */
export function ownTopicChart(lines: { name: string; cost: OwnTopicCost }[], labelCount: number): string {
  return logLogChart(
    [
      {
        title: 'own topics: seconds per article',
        xLabel: `pairs per article (${labelCount} labels + distinct own topics)`,
        yLabel: 'seconds per article (median)',
        series: lines.map(({ name, cost }) => ({
          name,
          points: OWN_TOPIC_COUNTS.map((n) => ({ x: labelCount + n, y: cost.perArticle[n]?.median ?? Number.NaN })),
        })),
      },
    ],
    'tidings own-topic bench: seconds per article against pairs per article, log-log',
  );
}
