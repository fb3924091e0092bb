import type { TopicStore } from '@tidings/aggregator';
import { liveWorkers, QUEUE_NAMES, type QueueName } from '@tidings/shared';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { ActiveRun } from './render-page.js';

/** What the page, the API and the metrics read: the topic store, the queues and the worker heartbeats. */
export class DashboardData {
  constructor(
    readonly store: TopicStore,
    readonly queues: Record<QueueName, Queue>,
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  liveWorkers() {
    return liveWorkers(this.redis, this.prefix);
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

  /** Runs a loader has enqueued whose articles are still being classified. */
  async activeRuns(): Promise<ActiveRun[]> {
    const jobs = await this.queues.aggregate.getJobs(['waiting-children', 'waiting', 'active'], 0, 20);
    return Promise.all(
      jobs.flatMap((job) =>
        job?.id
          ? [
              (async () => {
                const counts = await job.getDependenciesCount({ processed: true, unprocessed: true, ignored: true });
                const done = counts.processed ?? 0;
                const total = done + (counts.unprocessed ?? 0) + (counts.ignored ?? 0);
                return { id: job.id as string, state: await job.getState(), done, total };
              })(),
            ]
          : [],
      ),
    );
  }
}
