import type { ConfigVarName } from './config-vars.js';
import { QUEUE, type QueueName } from './queues.js';

/** The queues a worker service takes jobs from. */
export interface ServiceWork {
  queues: readonly QueueName[];
  /** The queue its processes are counted by in the status: a process works all its queues, counted once. */
  countedBy: QueueName;
}

export interface ServiceDefinition {
  /** Its workspace package (services/<name>): "./main" is the process, `start` starts it in one. */
  package: `@tidings/${string}`;
  /** The package's export that starts the service in-process and answers with something to close(). */
  start: string;
  /** The queues it works; null for a service that works none (its name is then no worker kind). */
  work: ServiceWork | null;
  /** `tidings start` stops lower numbers first, services of one number together. */
  stopOrder: number;
  /** NODE_OPTIONS it runs with everywhere (`tidings start`, docker-compose.yml, k8s/); a test keeps them equal. */
  nodeOptions: string | undefined;
  /** Where it answers its health probes: the setting naming the port, and the port the images and k8s/ use. */
  health: { env: ConfigVarName; port: number };
}

/**
 * Every service, once: the CLI's stack and supervisor, the worker kinds of the status, the
 * fault suite, the bench and the deploy tests take their lists from here, and
 * test/deploy/service-registry.test.ts names each deploy file a service is missing from.
 *
 * Stop order: producers first (the loader starts runs, the dashboard adds backfill and
 * preview jobs), so nothing new is queued while the workers finish or hand back what they hold.
 *
 * V8 settings: the aggregator holds one page of a run (500 children) at a time, so its heap
 * is capped: uncapped, V8 grew it lazily to 237 MB of RSS on a 50 000-article run, capped
 * 128 MB at the same speed (docs/performance.md). The loader is not capped: FEED_CONCURRENCY
 * feeds of up to FETCH_MAX_BYTES each may be parsed at once, which a small cap would not hold.
 * A small young generation (V8's default lets it grow to 3 × 16 MB and keeps it) takes 8–20 MB
 * off every idle service; none of them allocates fast enough to need a larger one.
 */
export const SERVICES = {
  loader: {
    package: '@tidings/loader',
    start: 'startLoader',
    work: { queues: [QUEUE.runRequests, QUEUE.readFeed, QUEUE.reclassify], countedBy: QUEUE.readFeed },
    stopOrder: 0,
    nodeOptions: '--max-semi-space-size=1',
    health: { env: 'HEALTH_PORT', port: 8081 },
  },
  classifier: {
    package: '@tidings/classifier',
    start: 'startClassifier',
    work: { queues: [QUEUE.classify, QUEUE.backfill, QUEUE.preview], countedBy: QUEUE.classify },
    stopOrder: 2,
    nodeOptions: undefined,
    health: { env: 'HEALTH_PORT', port: 8081 },
  },
  aggregator: {
    package: '@tidings/aggregator',
    start: 'startAggregator',
    work: { queues: [QUEUE.aggregate], countedBy: QUEUE.aggregate },
    stopOrder: 3,
    nodeOptions: '--max-old-space-size=96 --max-semi-space-size=2',
    health: { env: 'HEALTH_PORT', port: 8081 },
  },
  notifier: {
    package: '@tidings/notifier',
    start: 'startNotifier',
    work: { queues: [QUEUE.notify], countedBy: QUEUE.notify },
    stopOrder: 4,
    nodeOptions: '--max-semi-space-size=1',
    health: { env: 'HEALTH_PORT', port: 8081 },
  },
  dashboard: {
    package: '@tidings/dashboard',
    start: 'startDashboard',
    work: null,
    stopOrder: 1,
    nodeOptions: '--max-semi-space-size=1',
    health: { env: 'DASHBOARD_PORT', port: 3000 },
  },
} as const satisfies Record<string, ServiceDefinition>;

export type ServiceName = keyof typeof SERVICES;
export const SERVICE_NAMES = Object.keys(SERVICES) as ServiceName[];

/** The services that work queues: a worker kind is one of their names. */
export type WorkerKind = {
  [K in ServiceName]: (typeof SERVICES)[K]['work'] extends null ? never : K;
}[ServiceName];
export const WORKER_KINDS = SERVICE_NAMES.filter((name) => SERVICES[name].work !== null) as WorkerKind[];

/** The worker kind that works each queue. */
export const KIND_OF_QUEUE = Object.fromEntries(
  WORKER_KINDS.flatMap((kind) => SERVICES[kind].work.queues.map((queue) => [queue, kind])),
) as Record<QueueName, WorkerKind>;

/** The queue each kind of worker is counted by in the status. */
export const MAIN_QUEUE = Object.fromEntries(
  WORKER_KINDS.map((kind) => [kind, SERVICES[kind].work.countedBy]),
) as Record<WorkerKind, QueueName>;
