import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type RunProgress, readRunProgress, requestRun } from '@tidings/run-requests';
import {
  createRedis,
  freePort,
  liveWorkers,
  type RedisConnection,
  type RedisServerHandle,
  startRedisServer,
} from '@tidings/runtime';
import { loadConfig, QUEUE, type Run, type ServiceName } from '@tidings/shared';
import {
  type SentinelSetup,
  type ServiceProcess,
  spawnService,
  startSentinelSetup,
  TINY_MODEL_DIR,
  waitFor,
} from '@tidings/testing';
import { TopicStoreReader } from '@tidings/topic-store';
import { Queue } from 'bullmq';

/** Children of a run that are finished for good, classified or failed. */
export const done = (p: RunProgress): number => p.classified + p.failed;

export interface Row {
  scenario: string;
  runs: number;
  expected: number;
  grouped: number;
  failed: number;
  /** How many articles the scenario expects to fail for good: [min, max]. */
  expectedFailed: [number, number];
  lost: number;
  duplicated: number;
  finished: boolean;
  /** Every check of the fault itself (it happened, at the moment it should) and of the outcome that did not hold. */
  problems: string[];
  note: string;
}

/**
 * A scenario passes only when its fault happened as staged, every run finished, nothing was
 * lost or duplicated, every article is accounted for exactly once (grouped or failed), and
 * exactly the expected number of articles failed.
 */
export function verdict(row: Row): string[] {
  const problems = [...row.problems];
  if (!row.finished) problems.push('not every run finished');
  if (row.lost > 0) problems.push(`${row.lost} lost`);
  if (row.duplicated > 0) problems.push(`${row.duplicated} duplicated`);
  if (row.grouped + row.failed !== row.expected)
    problems.push(`grouped ${row.grouped} + failed ${row.failed} != expected ${row.expected}`);
  const [min, max] = row.expectedFailed;
  if (row.failed < min || row.failed > max)
    problems.push(`failed ${row.failed}, expected ${min === max ? min : `${min}-${max}`}`);
  return problems;
}

/**
 * One private deployment for a fault scenario: its own redis-server (append-only file on),
 * or with `sentinel` a primary, a replica and three Sentinels, its data folder and service
 * processes, all real, on loopback.
 */
export class FaultStack {
  readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tidings-fault-'));
  readonly prefix = 'tidings';
  redis!: RedisServerHandle;
  client!: RedisConnection;
  runRequests!: Queue;
  aggregate!: Queue;
  classify!: Queue;
  notify!: Queue;
  store!: TopicStoreReader;
  /** With `sentinel`: the primary, replica and Sentinels the services reach through REDIS_SENTINELS. */
  sentinel: SentinelSetup | undefined;
  private port = 0;
  private readonly procs = new Set<ServiceProcess>();

  constructor(
    private readonly env: Record<string, string>,
    private readonly options: { sentinel?: boolean } = {},
  ) {}

  async start(): Promise<this> {
    if (this.options.sentinel) {
      // Scenario 11 freezes the replica for half of down-after while a classify child completes
      // on the primary alone; on a busy machine that takes seconds, so down-after is long.
      this.sentinel = await startSentinelSetup(path.join(this.dir, 'sentinel'), { downAfterMs: 4000 });
      this.client = createRedis(loadConfig(this.sentinel.env).redis);
    } else {
      this.port = await freePort();
      await this.startRedis();
      this.client = createRedis(this.redis.url);
    }
    this.client.on('error', () => {});
    this.runRequests = new Queue(QUEUE.runRequests, { connection: this.client, prefix: this.prefix });
    this.aggregate = new Queue(QUEUE.aggregate, { connection: this.client, prefix: this.prefix });
    this.classify = new Queue(QUEUE.classify, { connection: this.client, prefix: this.prefix });
    this.notify = new Queue(QUEUE.notify, { connection: this.client, prefix: this.prefix });
    for (const q of [this.runRequests, this.aggregate, this.classify, this.notify]) q.on('error', () => {});
    this.store = new TopicStoreReader(this.client, this.prefix);
    return this;
  }

  async startRedis(): Promise<void> {
    this.redis = await startRedisServer({ port: this.port, dir: path.join(this.dir, 'redis'), appendOnly: true });
  }

  serviceEnv(extra: Record<string, string> = {}): Record<string, string> {
    return {
      ...(this.sentinel ? this.sentinel.env : { REDIS_URL: `redis://127.0.0.1:${this.port}` }),
      TIDINGS_PREFIX: this.prefix,
      DATA_DIR: path.join(this.dir, 'data'),
      MODEL_DIR: TINY_MODEL_DIR,
      CLASSIFIER_THREADS: '1',
      CLASSIFIER_LOCK_MS: '5000',
      DIGEST_CRON: '0 6 1 1 *',
      LOG_LEVEL: 'warn',
      ...this.env,
      ...extra,
    };
  }

  spawn(name: ServiceName, extra: Record<string, string> = {}): ServiceProcess {
    const proc = spawnService(name, this.serviceEnv(extra));
    this.procs.add(proc);
    void proc.exited.then(() => this.procs.delete(proc));
    return proc;
  }

  /** Every service process started and still running: none exited or was restarted. */
  running(): number {
    return this.procs.size;
  }

  async liveClassifiers(): Promise<number> {
    return (await liveWorkers(this.client, this.prefix)).length;
  }

  async waitForClassifiers(n: number): Promise<void> {
    await waitFor(async () => (await this.liveClassifiers()) >= n || undefined, {
      what: `${n} live classifiers`,
      timeoutMs: 60_000,
    });
  }

  trigger(request: { feeds?: string[]; reclassify?: boolean } = {}): Promise<string> {
    return requestRun(this.runRequests, request);
  }

  /** The run's progress as packages/shared defines it; all zero, state "missing", before the loader added the run. */
  async progress(runId: string): Promise<RunProgress> {
    return (
      (await readRunProgress(this.aggregate, this.client, runId)) ?? {
        runId,
        state: 'missing',
        classified: 0,
        failed: 0,
        total: 0,
        feeds: 0,
        feedsRead: 0,
      }
    );
  }

  async waitForProgress(runId: string, atLeast: number): Promise<void> {
    await waitFor(async () => done(await this.progress(runId)) >= atLeast || undefined, {
      what: `run ${runId} to classify ${atLeast} articles`,
      timeoutMs: 120_000,
      intervalMs: 20,
    });
  }

  async waitForRun(runId: string, timeoutMs = 180_000): Promise<Run | undefined> {
    try {
      return await waitFor(() => this.store.run(runId).then((r) => r ?? undefined), {
        what: `run ${runId}`,
        timeoutMs,
        intervalMs: 100,
      });
    } catch {
      return undefined;
    }
  }

  /**
   * Lost: articles the run should hold that are neither grouped nor listed as failed.
   * Duplicated: an article grouped twice, both grouped and failed, or in two topics of the store.
   */
  async measure(
    scenario: string,
    runs: (Run | undefined)[],
    expected: number,
    outcome: { expectedFailed?: [number, number]; problems?: string[]; note?: string } = {},
  ): Promise<Row> {
    const finished = runs.filter((r): r is Run => r !== undefined);
    // From the store, not the run records, which keep only the newest articles of each topic.
    const groupedIds = (await Promise.all(finished.map((r) => this.store.runArticleIds(r.id)))).flat();
    const failedIds = finished.flatMap((r) => r.failures.map((f) => f.articleId));
    const distinct = new Set(groupedIds);
    const both = failedIds.filter((id) => distinct.has(id)).length;
    const sizes = await this.store.topicSizes();
    const inTopics = Object.values(sizes).reduce((a, b) => a + b, 0);
    const storeDuplicates = Math.max(0, inTopics - new Set(await this.storeArticleIds()).size);
    return {
      scenario,
      runs: finished.length,
      expected,
      grouped: distinct.size,
      failed: new Set(failedIds).size,
      expectedFailed: outcome.expectedFailed ?? [0, 0],
      lost: Math.max(0, expected - distinct.size - new Set(failedIds).size),
      duplicated: groupedIds.length - distinct.size + both + storeDuplicates,
      finished: finished.length === runs.length && runs.length > 0,
      problems: outcome.problems ?? [],
      note: outcome.note ?? '',
    };
  }

  private async storeArticleIds(): Promise<string[]> {
    const ids: string[] = [];
    for (const label of await this.store.labels()) {
      ids.push(...(await this.client.zrange(`${this.prefix}:store:topic:${label}`, 0, -1)));
    }
    return ids;
  }

  async stop(): Promise<void> {
    await Promise.all([...this.procs].map((p) => p.stop('SIGKILL')));
    for (const q of [this.runRequests, this.aggregate, this.classify, this.notify]) await q?.close().catch(() => {});
    this.client?.disconnect();
    await this.redis?.stop();
    await this.sentinel?.stop();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
