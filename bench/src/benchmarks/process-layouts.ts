import { ROOT, spawnService } from '@tidings/cli';
import { JOB, QUEUE } from '@tidings/contracts';
import { createRedis, liveWorkers, peakRssMbOf } from '@tidings/runtime';
import { Queue } from 'bullmq';
import { CORES, MODEL_DIR, QUICK } from '../bench-setup.js';
import { benchPremise } from '../measure.js';
import type { BenchReport } from '../report.js';

/** Classifier processes on a real queue: articles per second and each process's peak RSS. */
export async function processLayouts(report: BenchReport, redisUrl: string) {
  const n = QUICK ? 16 : 48;
  const layoutsToRun = [
    { name: `1 process × ${CORES} threads`, processes: 1, threads: CORES, dtype: 'fp32' },
    { name: `${CORES} processes × 1 thread`, processes: CORES, threads: 1, dtype: 'fp32' },
    { name: `${CORES} processes × 1 thread, q8`, processes: CORES, threads: 1, dtype: 'q8' },
  ];
  const out: Record<string, unknown> = {};
  for (const [index, layout] of layoutsToRun.entries()) {
    const prefix = `bench${index}`;
    const connection = createRedis(redisUrl);
    const queue = new Queue(QUEUE.classify, { connection, prefix });
    const procs = Array.from({ length: layout.processes }, () =>
      spawnService('classifier', {
        cwd: ROOT,
        env: {
          PATH: process.env.PATH ?? '',
          REDIS_URL: redisUrl,
          TIDINGS_PREFIX: prefix,
          MODEL_DIR,
          MODEL_DTYPE: layout.dtype,
          CLASSIFIER_THREADS: String(layout.threads),
          LOG_LEVEL: 'warn',
        },
        stdio: 'ignore',
      }),
    );
    for (;;) {
      if ((await liveWorkers(connection, prefix)).length === layout.processes) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    const started = performance.now();
    await queue.addBulk(
      Array.from({ length: n }, (_, i) => ({
        name: JOB.classify,
        data: {
          runId: 'bench',
          article: {
            id: `a${i}`,
            feed: 'bench',
            title: benchPremise(i),
            summary: '',
            link: '',
            published: '2026-11-24T00:00:00.000Z',
            fetchedAt: '2026-11-24T00:00:00.000Z',
          },
        },
      })),
    );
    while (((await queue.getJobCounts('completed')).completed ?? 0) < n) await new Promise((r) => setTimeout(r, 50));
    const seconds = (performance.now() - started) / 1000;
    const rss = procs.map((p) => peakRssMbOf(p.pid ?? 0));
    for (const p of procs) p.kill('SIGTERM');
    await Promise.all(procs.map((p) => new Promise((r) => p.once('exit', r))));
    await queue.obliterate({ force: true });
    await queue.close();
    connection.disconnect();
    out[layout.name] = { articlesPerSecond: n / seconds, peakRssMbPerProcess: rss };
    report.row(
      `4 queue: ${layout.name}`,
      `${(n / seconds).toFixed(2)} articles/s`,
      `${Math.max(...rss).toFixed(0)} MB/process`,
      `${n} articles through the real queue`,
    );
  }
  report.results.layouts = out;
}
