import { loadLibraryZeroShot, modelSource } from '@tidings/classifier';
import { loadConfig } from '@tidings/shared';
import { measurePeakRss } from '@tidings/testing';
import { CORES, LABELS, MODEL_DIR, TEMPLATE } from '../bench-setup.js';
import { fmt, stat, timeArticles } from '../measure.js';
import type { BenchReport } from '../report.js';

export async function libraryVersusTidings(report: BenchReport, tidingsSeconds: number): Promise<number> {
  const source = modelSource(loadConfig({ MODEL_DIR, CLASSIFIER_THREADS: String(CORES) }).classifier);
  const library = await loadLibraryZeroShot(source, { threads: CORES });
  const lib = await measurePeakRss(() =>
    timeArticles((t) => library(t, LABELS, { hypothesis_template: TEMPLATE, multi_label: false })),
  );
  await library.dispose();
  const s = stat(lib.value);
  report.results.library = {
    library: s,
    tidings: tidingsSeconds,
    ratio: s.median / tidingsSeconds,
    peakRssMb: lib.peakMb,
  };
  report.row(
    '2 library zero-shot pipeline, pair by pair',
    `${fmt(s)} s/article`,
    `${lib.peakMb.toFixed(0)} MB`,
    `tidings is ${(s.median / tidingsSeconds).toFixed(2)}× faster`,
  );
  return s.median;
}
