import { progressOfRunJob, type RunProgress } from '@tidings/run-requests';
import { liveWorkers, type RedisConnection, type RedisTarget } from '@tidings/runtime';
import {
  type KeySpace,
  QUEUE_NAMES,
  type QueueName,
  type ReclassifyReport,
  redisKeys,
  type StackStatus,
} from '@tidings/shared';
import { readStackStatus } from '@tidings/status';
import { ReclassifyReports, type TopicStoreReader } from '@tidings/topic-store';
import type { Queue } from 'bullmq';

/** What the page, the API and the metrics read: the topic store, the queues and the worker heartbeats. */
export class DashboardData {
  constructor(
    readonly store: TopicStoreReader,
    readonly queues: Record<QueueName, Queue>,
    readonly redis: RedisConnection,
    private readonly space: KeySpace,
    /** Shown (masked) in the status, as `tidings status` shows it. */
    private readonly redisTarget: RedisTarget,
  ) {}

  /** The same status and problems `tidings status` reports. */
  status(): Promise<StackStatus> {
    return readStackStatus({
      redis: this.redis,
      target: this.redisTarget,
      space: this.space,
      queues: this.queues,
      store: this.store,
    });
  }

  /** The classifier version the most recently started classifier runs; null before any started. */
  currentClassifierVersion(): Promise<string | null> {
    return this.redis.get(redisKeys(this.space).currentClassifierVersion);
  }

  /** The newest reclassify reports. */
  reclassifyReports(limit: number): Promise<ReclassifyReport[]> {
    return new ReclassifyReports(this.redis, this.space).list(limit);
  }

  liveWorkers() {
    return liveWorkers(this.redis, this.space);
  }

  async queueCounts(): Promise<Record<QueueName, Record<string, number>>> {
    const entries = await Promise.all(
      QUEUE_NAMES.map(
        async (name) =>
          [
            name,
            await this.queues[name].getJobCounts(
              'waiting',
              'active',
              'delayed',
              'completed',
              'failed',
              'waiting-children',
              'prioritized',
            ),
          ] as const,
      ),
    );
    return Object.fromEntries(entries) as Record<QueueName, Record<string, number>>;
  }

  /**
   * Runs a loader has enqueued whose articles are still being classified, oldest first. The
   * page and the API show at most `limit` of them: more than that means the classifiers are
   * far behind, which the queue counts already say.
   */
  async activeRuns(limit = 20): Promise<RunProgress[]> {
    const jobs = await this.queues.aggregate.getJobs(['waiting-children', 'waiting', 'active'], 0, limit - 1, true);
    return Promise.all(jobs.filter((job) => job?.id).map((job) => progressOfRunJob(job, this.redis, this.space)));
  }
}
