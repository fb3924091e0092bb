import type { Logger } from '@tidings/runtime';
import { RunManifestSchema } from '@tidings/shared';
import type { Job, Queue } from 'bullmq';
import { type FinaliseReclassifyDeps, finaliseReclassifyRun } from './finalise-reclassify.js';
import { type FinaliseDeps, finaliseRun } from './finalise-run.js';

export interface WatchdogOptions {
  timeoutMinutes: number;
  intervalMs?: number;
}

/**
 * Finalises runs whose parent still waits for children after RUN_TIMEOUT_MINUTES (a child
 * stalled past its limit, or a BullMQ bug left the parent in waiting-children): the finished
 * children are grouped, the rest counted as failed with the reason recorded.
 */
export class RunWatchdog {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;

  /** Per reclassify run: children finished at the last look, and since when that number has not moved. */
  private progress = new Map<string, { done: number; since: number }>();

  constructor(
    private readonly aggregateQueue: Queue,
    private readonly deps: FinaliseDeps,
    private readonly reclassifyDeps: FinaliseReclassifyDeps,
    private readonly options: WatchdogOptions,
  ) {}

  /**
   * A reclassify run may rightly take hours (a month of articles on a CPU), so it is given
   * up on only when none of its children has finished for RUN_TIMEOUT_MINUTES; the clock
   * starts when this watchdog first sees it.
   */
  private async stalledReclassify(
    job: Job,
    now: number,
    cutoff: number,
    seen: Map<string, { done: number; since: number }>,
  ) {
    const counts = await job.getDependenciesCount({ processed: true, ignored: true });
    const done = (counts.processed ?? 0) + (counts.ignored ?? 0);
    const last = this.progress.get(job.id ?? '');
    const entry = last && last.done === done ? last : { done, since: now };
    seen.set(job.id ?? '', entry);
    return entry.since <= cutoff;
  }

  start(): void {
    const interval = this.options.intervalMs ?? Math.min(60_000, Math.max(1_000, this.options.timeoutMinutes * 15_000));
    this.timer = setInterval(() => {
      this.running ??= this.tick()
        .catch((err) => this.deps.logger.error({ err: (err as Error).message }, 'watchdog failed'))
        .finally(() => {
          this.running = undefined;
        });
    }, interval);
    this.timer.unref();
  }

  /** One pass; returns the ids of the runs it finalised. */
  async tick(now = Date.now()): Promise<string[]> {
    const cutoff = now - this.options.timeoutMinutes * 60_000;
    const finalised: string[] = [];
    const seen = new Map<string, { done: number; since: number }>();
    for (const job of await this.waitingRuns()) {
      if (!job) continue;
      const reclassify = (job.data as { trigger?: unknown } | undefined)?.trigger === 'reclassify';
      if (reclassify ? !(await this.stalledReclassify(job, now, cutoff, seen)) : job.timestamp > cutoff) continue;
      const log: Logger = this.deps.logger.child({ runId: job.id, jobId: job.id });
      const manifest = RunManifestSchema.safeParse(job.data);
      if (!manifest.success) {
        log.error('stuck run has unreadable data; leaving it');
        continue;
      }
      const pending = await job.getDependenciesCount({ unprocessed: true });
      const reason = reclassify
        ? `reclassify run made no progress for RUN_TIMEOUT_MINUTES (${this.options.timeoutMinutes}); ${pending.unprocessed ?? 0} article(s) never finished`
        : `run did not finish within RUN_TIMEOUT_MINUTES (${this.options.timeoutMinutes}); ${pending.unprocessed ?? 0} article(s) never finished`;
      if (reclassify)
        await finaliseReclassifyRun(job, manifest.data, { ...this.reclassifyDeps, logger: log }, { reason });
      else await finaliseRun(job, manifest.data, { ...this.deps, logger: log }, { reason });
      finalised.push(manifest.data.runId);
      try {
        // One atomic removal of the parent with its children: removing the unprocessed
        // children first would release the parent to the aggregator mid-way.
        await job.remove({ removeChildren: true });
      } catch (err) {
        // A child still locked by a worker keeps the parent; when it completes, the
        // aggregator finds the run already written and changes nothing.
        log.warn({ err: (err as Error).message }, 'stuck run finalised; its parent job could not be removed yet');
      }
    }
    this.progress = seen;
    return finalised;
  }

  /**
   * Every run waiting for its children, read a page at a time (so no number of stuck runs is
   * too many) and all before any is finalised, since removing one shifts later pages.
   */
  private async waitingRuns() {
    const pageSize = 100;
    const total = await this.aggregateQueue.getWaitingChildrenCount();
    const jobs = [];
    for (let start = 0; start < total; start += pageSize) {
      jobs.push(...(await this.aggregateQueue.getWaitingChildren(start, start + pageSize - 1)));
    }
    return jobs;
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }
}
