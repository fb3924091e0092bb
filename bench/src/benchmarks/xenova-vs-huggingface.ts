import path from 'node:path';
import { measurePeakRss } from '@tidings/testing';
import { LABELS, MODEL_DIR, TEMPLATE } from '../bench-setup.js';
import { fmt, stat, timeArticles } from '../measure.js';
import type { BenchReport } from '../report.js';

/** The card's @xenova/transformers 2.17.2 pipeline against @huggingface/transformers' on the same model. */
export async function xenovaVersusHuggingface(report: BenchReport, libraryMedian: number) {
  const xenova = await import('@xenova/transformers');
  xenova.env.allowRemoteModels = false;
  xenova.env.localModelPath = `${path.dirname(MODEL_DIR)}/`;
  // The same weights as one file: @xenova/transformers 2.x cannot read external data.
  const classifier = await xenova.pipeline('zero-shot-classification', `${path.basename(MODEL_DIR)}-single`, {
    quantized: false,
  });
  const t = await measurePeakRss(() =>
    timeArticles(
      (text) => classifier(text, LABELS, { hypothesis_template: TEMPLATE, multi_label: false }) as Promise<unknown>,
    ),
  );
  await classifier.dispose();
  const s = stat(t.value);
  report.results.xenova = {
    xenova: s,
    huggingface: libraryMedian,
    ratio: s.median / libraryMedian,
    peakRssMb: t.peakMb,
  };
  report.row(
    '6 @xenova/transformers 2.17.2 pipeline',
    `${fmt(s)} s/article`,
    `${t.peakMb.toFixed(0)} MB*`,
    `@huggingface/transformers 4 is ${(s.median / libraryMedian).toFixed(2)}× faster`,
  );
}
