import { ProblemSchema, QUEUE, QUEUE_NAMES, type StackStatus } from '@tidings/shared';
import type { QueueEvents } from 'bullmq';
import { Gauge, Histogram, Registry } from 'prom-client';
import type { DashboardData } from '../api/dashboard-data.js';

/**
 * Runs the outcome gauge reads at each scrape: every run is read in full, so the count is
 * bounded; 1000 covers RETENTION_DAYS' default 30 days of a run every hour.
 */
const RUNS_COUNTED = 1000;

/**
 * Prometheus metrics. Depths, workers, topic sizes and run outcomes are read from Redis at
 * scrape time (so every dashboard replica reports the same); classify durations are
 * observed from the queue's completion events while this process runs.
 */
export function createMetrics(data: DashboardData, classifyEvents: QueueEvents) {
  if (classifyEvents.name !== QUEUE.classify) throw new Error('createMetrics needs the classify queue events');
  const registry = new Registry();
  // One status read a scrape: prom-client collects every gauge at once, and status reads much of Redis.
  let reading: Promise<StackStatus> | undefined;
  const status = () => {
    reading ??= data.status().finally(() => {
      reading = undefined;
    });
    return reading;
  };
  new Gauge({
    name: 'tidings_queue_jobs',
    help: 'Jobs per queue and state',
    labelNames: ['queue', 'state'],
    registers: [registry],
    async collect() {
      const counts = await data.queueCounts();
      for (const queue of QUEUE_NAMES) {
        for (const [state, n] of Object.entries(counts[queue])) this.set({ queue, state }, n);
      }
    },
  });
  new Gauge({
    name: 'tidings_problems',
    help: 'Problems an operator should fix, by kind (the same list as `tidings status` and the page)',
    labelNames: ['kind'],
    registers: [registry],
    async collect() {
      this.reset();
      const counts = new Map<string, number>();
      for (const p of (await status()).problems) counts.set(p.kind, (counts.get(p.kind) ?? 0) + 1);
      for (const kind of ProblemSchema.shape.kind.options) this.set({ kind }, counts.get(kind) ?? 0);
    },
  });
  const seconds = (iso: string | null | undefined) => (iso ? Date.parse(iso) / 1000 : undefined);
  // Each is 0 until a loader has kept the schedule's record (the last run's, until a run succeeded):
  // an unlabelled prom-client gauge always has a sample.
  const scheduleGauges = [
    [
      'tidings_last_successful_run_timestamp_seconds',
      'When the newest successful scheduled or requested run finished (reclassify runs do not count); 0 before the first',
      (s: StackStatus['schedule']) => seconds(s?.lastSuccessfulRun?.finishedAt),
    ],
    [
      'tidings_schedule_last_due_timestamp_seconds',
      'The newest time the daily schedule (DIGEST_CRON) was due, now or before',
      (s: StackStatus['schedule']) => seconds(s?.lastDueAt),
    ],
    [
      'tidings_schedule_next_due_timestamp_seconds',
      'The next time the daily schedule is due',
      (s: StackStatus['schedule']) => seconds(s?.nextDueAt),
    ],
    [
      'tidings_schedule_freshness_grace_seconds',
      'FRESHNESS_GRACE: how long after a due time its run may take to finish before the digest is late',
      (s: StackStatus['schedule']) => (s ? s.freshnessGraceMs / 1000 : undefined),
    ],
  ] as const;
  for (const [name, help, read] of scheduleGauges) {
    new Gauge({
      name,
      help,
      registers: [registry],
      async collect() {
        this.set(read((await status()).schedule) ?? 0);
      },
    });
  }
  new Gauge({
    name: 'tidings_live_classifiers',
    help: 'Classifier processes with a fresh heartbeat',
    registers: [registry],
    async collect() {
      this.set((await data.liveWorkers()).length);
    },
  });
  new Gauge({
    name: 'tidings_topic_articles',
    help: 'Articles stored per topic label',
    labelNames: ['label'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const [label, n] of Object.entries(await data.store.topicSizes())) this.set({ label }, n);
    },
  });
  new Gauge({
    name: 'tidings_runs',
    help: `Outcomes (ok, with failures, finalised by the watchdog) of the newest ${RUNS_COUNTED} stored runs`,
    labelNames: ['outcome'],
    registers: [registry],
    async collect() {
      const { runs } = await data.store.runs({ limit: RUNS_COUNTED });
      const outcome = (r: (typeof runs)[number]) =>
        r.finalisedBy === 'watchdog'
          ? 'watchdog'
          : r.counts.failed > 0 || r.feeds.some((f) => f.status === 'failed')
            ? 'with_failures'
            : 'ok';
      this.reset();
      for (const o of ['ok', 'with_failures', 'watchdog'])
        this.set({ outcome: o }, runs.filter((r) => outcome(r) === o).length);
    },
  });
  const duration = new Histogram({
    name: 'tidings_classify_duration_seconds',
    help: 'Model time per classified article',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  classifyEvents.on('completed', ({ returnvalue }) => {
    const value: unknown = typeof returnvalue === 'string' ? safeParse(returnvalue) : returnvalue;
    const ms = (value as { ms?: unknown } | undefined)?.ms;
    if (typeof ms === 'number') duration.observe(ms / 1000);
  });
  return registry;
}

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
