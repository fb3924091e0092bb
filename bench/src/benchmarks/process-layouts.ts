import { ROOT, spawnService } from '@tidings/cli';
import { createRedis, liveWorkers } from '@tidings/runtime';
import { JOB, QUEUE, redisKeys } from '@tidings/shared';
import { buildArticle, peakRssMbOf } from '@tidings/testing';
import { Queue } from 'bullmq';
import { CORES, MODEL_DIR, QUEUE_ARTICLES } from '../bench-setup.js';
import { machineBusyTicks, processTicks } from '../cpu.js';
import { benchPremise, stat } from '../measure.js';
import type { BenchReport } from '../report.js';
import type { RawAlone } from './raw-runtime.js';

const TICKS_PER_SECOND = 100;

/**
 * Classifier processes on a real queue: articles per second, each process's peak RSS, the
 * time the classifier itself measured per article (ClassifyResult.ms), and who had the CPU
 * meanwhile. With one process on every core, those times are set against raw
 * onnxruntime-node's on the same articles' batches in a process of its own, run just before.
 */
export async function processLayouts(
  report: BenchReport,
  redisUrl: string,
  rawAlone: (dtype: 'fp32' | 'q8', threads: number) => RawAlone,
) {
  const n = QUEUE_ARTICLES;
  const layoutsToRun = [
    { name: `1 process × ${CORES} threads`, processes: 1, threads: CORES, dtype: 'fp32' },
    { name: `${CORES} processes × 1 thread`, processes: CORES, threads: 1, dtype: 'fp32' },
    { name: `1 process × ${CORES} threads, q8`, processes: 1, threads: CORES, dtype: 'q8' },
    { name: `${CORES} processes × 1 thread, q8`, processes: CORES, threads: 1, dtype: 'q8' },
  ] as const;
  const out: Record<string, unknown> = {};
  for (const [index, layout] of layoutsToRun.entries()) {
    const rawBefore = layout.processes === 1 ? rawAlone(layout.dtype, layout.threads) : undefined;
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
    const pids = procs.map((p) => p.pid ?? 0);
    const busyBefore = machineBusyTicks();
    const classifierBefore = pids.reduce((a, pid) => a + processTicks(pid), 0);
    const benchBefore = process.cpuUsage();
    const started = performance.now();
    // As a read-feed job leaves them: the articles in the run's hash, the jobs naming them.
    const articles = Array.from({ length: n }, (_, i) =>
      buildArticle({ id: `a${i}`, feed: 'bench', title: benchPremise(i), link: '' }),
    );
    await connection.hset(
      redisKeys(prefix).runArticles('bench'),
      Object.fromEntries(articles.map((a) => [a.id, JSON.stringify(a)])),
    );
    await queue.addBulk(
      articles.map((article) => ({ name: JOB.classify, data: { runId: 'bench', articleId: article.id } })),
    );
    while (((await queue.getJobCounts('completed')).completed ?? 0) < n) await new Promise((r) => setTimeout(r, 50));
    const seconds = (performance.now() - started) / 1000;
    const capacity = seconds * TICKS_PER_SECOND * CORES;
    const classifierTicks = pids.reduce((a, pid) => a + processTicks(pid), 0) - classifierBefore;
    const benchCpu = process.cpuUsage(benchBefore);
    const benchTicks = ((benchCpu.user + benchCpu.system) / 1e6) * TICKS_PER_SECOND;
    const cpu = {
      classifiers: classifierTicks / capacity,
      benchProcess: benchTicks / capacity,
      everythingElse: Math.max(0, machineBusyTicks() - busyBefore - classifierTicks - benchTicks) / capacity,
    };
    const jobs = await queue.getJobs(['completed'], 0, n);
    const workerSeconds = stat(jobs.map((j) => Number((j.returnvalue as { ms?: number } | undefined)?.ms) / 1000));
    const rss = procs.map((p) => peakRssMbOf(p.pid ?? 0));
    for (const p of procs) p.kill('SIGTERM');
    await Promise.all(procs.map((p) => new Promise((r) => p.once('exit', r))));
    await queue.obliterate({ force: true });
    await connection.del(redisKeys(prefix).runArticles('bench'));
    await queue.close();
    connection.disconnect();
    // Raw runs before and after the layout, so a busy spell on the shared machine weighs on
    // both sides; minima are set side by side too, as the figure noise disturbs least.
    const rawAfter = rawBefore ? rawAlone(layout.dtype, layout.threads) : undefined;
    const raw = rawBefore && rawAfter ? stat([...rawBefore.samples, ...rawAfter.samples]) : undefined;
    const versusRaw = raw
      ? {
          raw,
          rawPeakRssMb: Math.max(rawBefore?.peakRssMb ?? 0, rawAfter?.peakRssMb ?? 0),
          wall: seconds / n / raw.median,
          insideWorker: workerSeconds.median / raw.median,
          insideWorkerMin: workerSeconds.min / raw.min,
        }
      : undefined;
    out[layout.name] = {
      articlesPerSecond: n / seconds,
      peakRssMbPerProcess: rss,
      workerSecondsPerArticle: workerSeconds,
      cpuShare: cpu,
      versusRaw,
    };
    const share = (x: number) => `${(x * 100).toFixed(0)}%`;
    report.row(
      `4 queue: ${layout.name}`,
      `${(n / seconds).toFixed(2)} articles/s`,
      `${Math.min(...rss).toFixed(0)}–${Math.max(...rss).toFixed(0)} MB/process`,
      `${n} articles through the real queue; CPU: classifiers ${share(cpu.classifiers)}, bench ${share(cpu.benchProcess)}, others ${share(cpu.everythingElse)}${
        versusRaw
          ? `; raw alone ${versusRaw.raw.median.toFixed(3)} s/article (${versusRaw.rawPeakRssMb.toFixed(0)} MB): per article ${versusRaw.wall.toFixed(2)}× raw (wall), ${versusRaw.insideWorker.toFixed(2)}× raw (the worker's own ms; ${versusRaw.insideWorkerMin.toFixed(2)}× minimum to minimum)`
          : ''
      }`,
    );
  }
  report.results.layouts = out;
}
