import { BadJobError, type Config, describeZodError, keySpaceOf, type QueueName, queuePrefix } from '@tidings/shared';
import { FlowProducer, type Job, Queue, UnrecoverableError, Worker, type WorkerOptions } from 'bullmq';
import type { Logger } from 'pino';
import type { z } from 'zod';
import { createRedis, type RedisConnection } from './redis.js';
import type { Closable } from './shutdown.js';

export interface WorkerServiceOptions<Data, Result> {
  queue: QueueName;
  config: Config;
  logger: Logger;
  /** Every job is checked against it at the worker; one that fails is failed for good, with the field named. */
  schema: z.ZodType<Data>;
  /** `token` is the job's lock token, for BullMQ calls such as moveToDelayed. */
  process: (data: Data, job: Job, log: Logger, token: string | undefined) => Promise<Result>;
  /** Log fields taken from a valid job's data, e.g. its run id; the job id is always bound. */
  bindings?: (data: Data) => Record<string, unknown>;
  /** BullMQ worker settings beyond connection and prefix (concurrency, lock and stall times). */
  worker?: Omit<WorkerOptions, 'connection' | 'prefix' | 'autorun'>;
}

/**
 * One worker on one queue, with everything a tidings service needs around it: one Redis
 * connection (BullMQ adds and closes its own blocking one), the queues and flow producers
 * the service asks for, job validation at the worker, failure logs, and a close() that
 * finishes or hands back the current job and then closes every connection it opened.
 */
export class WorkerService<Data = unknown, Result = unknown> {
  readonly connection: RedisConnection;
  readonly worker: Worker;
  private readonly queues = new Map<QueueName, Queue>();
  private readonly owned: Closable[] = [];
  private flows: FlowProducer | undefined;
  /** BullMQ's prefix, hash-tagged on a cluster; the same for the worker, its queues and its flows. */
  private readonly prefix: string;
  private closing: Promise<void> | undefined;

  constructor(private readonly options: WorkerServiceOptions<Data, Result>) {
    const { config, logger, queue } = options;
    this.prefix = queuePrefix(keySpaceOf(config));
    this.connection = createRedis(config.redis, {}, logger);
    this.worker = new Worker(queue, (job, token) => this.run(job, token), {
      concurrency: 1,
      ...options.worker,
      connection: this.connection,
      prefix: this.prefix,
    });
    this.worker.on('failed', (job, err) =>
      logger.warn({ jobId: job?.id, attempts: job?.attemptsMade, err: err.message }, `${queue} job failed`),
    );
    this.worker.on('error', (err) => logger.error({ err: err.message }, `${queue} worker error`));
  }

  private async run(job: Job, token: string | undefined): Promise<Result> {
    const parsed = this.options.schema.safeParse(job.data);
    if (!parsed.success) {
      throw new UnrecoverableError(new BadJobError(this.options.queue, describeZodError(parsed.error)).message);
    }
    const log = this.options.logger.child({ jobId: job.id, ...this.options.bindings?.(parsed.data) });
    return this.options.process(parsed.data, job, log, token);
  }

  /** A queue on the service's connection, closed with the service. */
  queue(name: QueueName): Queue {
    let queue = this.queues.get(name);
    if (!queue) {
      queue = new Queue(name, { connection: this.connection, prefix: this.prefix });
      queue.on('error', (err) => this.options.logger.warn({ err: err.message, queue: name }, 'queue error'));
      this.queues.set(name, queue);
    }
    return queue;
  }

  flowProducer(): FlowProducer {
    this.flows ??= new FlowProducer({
      connection: this.connection,
      prefix: this.prefix,
    });
    return this.flows;
  }

  /** Something else the service runs (a watchdog, a heartbeat); closed after the worker, before the connection. */
  own<T extends Closable>(resource: T): T {
    this.owned.push(resource);
    return resource;
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      await this.worker.close();
      for (const resource of [...this.owned].reverse()) await resource.close();
      await this.flows?.close();
      for (const queue of this.queues.values()) await queue.close();
      await this.connection.quit().catch(() => this.connection.disconnect());
    })();
    return this.closing;
  }
}

export function startWorkerService<Data, Result>(
  options: WorkerServiceOptions<Data, Result>,
): WorkerService<Data, Result> {
  return new WorkerService(options);
}
