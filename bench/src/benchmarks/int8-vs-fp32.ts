import { classifyText, loadNliModel, modelSource, type NliModel } from '@tidings/classifier';
import { loadConfig } from '@tidings/shared';
import { measurePeakRss } from '@tidings/testing';
import { CORES, MODEL_DIR, OPTIONS, QUICK } from '../bench-setup.js';
import { benchPremise, fmt, stat, timeArticles } from '../measure.js';
import type { BenchReport } from '../report.js';

export async function int8VersusFp32(report: BenchReport, fp32: NliModel, fp32Seconds: number) {
  const source = modelSource(
    loadConfig({ MODEL_DIR, MODEL_DTYPE: 'q8', CLASSIFIER_THREADS: String(CORES) }).classifier,
  );
  const q8 = await loadNliModel(source, { threads: CORES });
  const t = await measurePeakRss(() => timeArticles((text) => classifyText(q8, text, OPTIONS)));
  const texts = Array.from({ length: QUICK ? 10 : 30 }, (_, i) => benchPremise(100 + i));
  let agree = 0;
  for (const text of texts) {
    if ((await classifyText(q8, text, OPTIONS)).label === (await classifyText(fp32, text, OPTIONS)).label) agree++;
  }
  await q8.dispose();
  const s = stat(t.value);
  report.results.int8 = {
    q8: s,
    fp32: fp32Seconds,
    ratio: fp32Seconds / s.median,
    labelAgreement: agree / texts.length,
    peakRssMb: t.peakMb,
  };
  report.row(
    '3 tidings int8 (q8)',
    `${fmt(s)} s/article`,
    `${t.peakMb.toFixed(0)} MB`,
    `${(fp32Seconds / s.median).toFixed(2)}× fp32; labels agree ${agree}/${texts.length}`,
  );
}
