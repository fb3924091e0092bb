import { execFile } from 'node:child_process';
import path from 'node:path';
import { type FeedHandler, generatedFeed, startFeedServer, writeGeneratedFeed } from '@tidings/feed-fixtures';
import type { StackStatus } from '@tidings/shared';
import { DEFAULT_LABELS, deliveryId } from '@tidings/shared';
import { SubscriptionStore } from '@tidings/subscriptions';
import { addRunFlow, askNode, buildArticle, ROOT, SLOW_TINY_MODEL_DIR, waitFor } from '@tidings/testing';
import { done, FaultStack, type Row } from './fault-stack.js';

/**
 * With `inject` off (`pnpm test:faults --no-faults`), every scenario is staged the same but
 * its fault is left out: a control run, in which each scenario's checks must fail.
 */
export const FAULTS = { inject: true };

export interface Scenario {
  name: string;
  /** Its "fault" is concurrency, which the run cannot leave out: skipped by the control run. */
  noControl?: true;
  run(): Promise<Row>;
}

async function withStack(
  env: Record<string, string>,
  body: (c: FaultStack) => Promise<Row>,
  options: { sentinel?: boolean } = {},
): Promise<Row> {
  const stack = await new FaultStack(env, options).start();
  try {
    return await body(stack);
  } finally {
    await stack.stop();
  }
}

/** Collects what did not hold; the scenario fails when any did not. */
function checks(): { problems: string[]; check(ok: boolean, problem: string): void } {
  const problems: string[] = [];
  return { problems, check: (ok, problem) => void (ok || problems.push(problem)) };
}

function feedEnv(stack: FaultStack, count: number, tag = 'f'): Record<string, string> {
  return { FEED_URLS: writeGeneratedFeed(path.join(stack.dir, `${tag}.xml`), count, { tag }) };
}

const infoNumber = (info: string, field: string) => Number(info.match(new RegExp(`^${field}:(\\d+)`, 'm'))?.[1] ?? 0);

/** `tidings status --json` against the stack, as an operator would run it (it exits 1 while there are problems). */
function cliStatus(stack: FaultStack): Promise<StackStatus> {
  const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...stack.serviceEnv() };
  const main = path.join(ROOT, 'apps/cli/dist/main.js');
  return new Promise((resolve, reject) =>
    execFile(process.execPath, [main, 'status', '--json'], { cwd: ROOT, env }, (err, stdout) => {
      try {
        resolve(JSON.parse(stdout) as StackStatus);
      } catch {
        reject(new Error(`tidings status --json printed no status: ${err?.message ?? stdout}`));
      }
    }),
  );
}

export const SCENARIOS: Scenario[] = [
  {
    name: '1 SIGKILL a classifier mid-job',
    run: () =>
      withStack({ MODEL_DIR: SLOW_TINY_MODEL_DIR }, async (c) => {
        const env = feedEnv(c, 24);
        const a = c.spawn('classifier', env);
        c.spawn('classifier', env);
        c.spawn('loader', env);
        c.spawn('aggregator', env);
        await c.waitForClassifiers(2);
        const runId = await c.trigger();
        await c.waitForProgress(runId, 3);
        // Both workers (concurrency 1) hold a job, so the one killed is mid-job.
        const busy = await waitFor(async () => (await c.classify.getActiveCount()) === 2 || undefined, {
          what: 'both classifiers to hold a job',
          intervalMs: 5,
        }).catch(() => false);
        if (FAULTS.inject) await a.stop('SIGKILL');
        const run = await c.waitForRun(runId);
        const jobs = await c.classify.getJobs(['completed'], 0, 100);
        const recovered = jobs.filter((j) => (j.attemptsStarted ?? 1) > 1).length;
        const { problems, check } = checks();
        check(busy === true, 'the classifier was not seen holding a job before the kill');
        check(recovered >= 1, 'no job was started twice: the kill did not interrupt a job');
        return c.measure('1 SIGKILL a classifier mid-job', [run], 24, {
          problems,
          note: `${recovered} stalled job(s) recovered by the other worker`,
        });
      }),
  },
  {
    name: '2 SIGKILL every classifier until a job passes its stall limit',
    run: () =>
      withStack({ MODEL_DIR: SLOW_TINY_MODEL_DIR }, async (c) => {
        // One article, so every kill lands on the same job until BullMQ gives up on it.
        const env = feedEnv(c, 1);
        c.spawn('loader', env);
        c.spawn('aggregator', env);
        const runId = await c.trigger();
        await waitFor(async () => (await c.progress(runId)).total === 1 || undefined, {
          what: 'the run',
          timeoutMs: 60_000,
        });
        let kills = 0;
        let starts = 0;
        const job = async () => (await c.classify.getJobs(['active', 'waiting', 'failed', 'completed']))[0];
        while (FAULTS.inject && kills < 8 && (await job())?.finishedOn === undefined) {
          const worker = c.spawn('classifier', env);
          // Kill only once this worker has (re)started the job: a dead worker's job stays
          // "active" until its lock expires and a live worker's stalled check hands it back.
          const restarted = await waitFor(
            async () => {
              const j = await job();
              if (j?.finishedOn !== undefined) return 'finished';
              return ((j?.attemptsStarted ?? 0) > starts && (await j?.getState()) === 'active') || undefined;
            },
            { what: 'the job to start again', timeoutMs: 30_000, intervalMs: 5 },
          ).catch(() => 'timed out' as const);
          await worker.stop('SIGKILL');
          if (restarted !== true) break;
          starts = (await job())?.attemptsStarted ?? starts;
          kills++;
        }
        c.spawn('classifier', env);
        const run = await c.waitForRun(runId);
        const final = await job();
        const { problems, check } = checks();
        // The classifier allows 2 stalls (maxStalledCount), so the third kill is the one that fails the job.
        check(kills >= 3, `only ${kills} kill(s) landed on the job; the stall limit needs 3`);
        check((await final?.getState()) === 'failed', `the job ended ${await final?.getState()}, not failed`);
        check(/stalled/i.test(run?.failures[0]?.reason ?? ''), 'the run does not report the job as stalled');
        return c.measure('2 SIGKILL every classifier until a job passes its stall limit', [run], 1, {
          expectedFailed: [1, 1],
          problems,
          note: `${kills} kills; ${run?.failures[0]?.reason ?? 'no failure'}`,
        });
      }),
  },
  {
    name: '3 SIGKILL the aggregator while it processes a run',
    run: () =>
      withStack({}, async (c) => {
        const env = feedEnv(c, 1500);
        c.spawn('classifier', env);
        c.spawn('classifier', env);
        c.spawn('loader', env);
        let aggregator = c.spawn('aggregator', env);
        await c.waitForClassifiers(2);
        const runId = await c.trigger();
        let seenActive = false;
        let unwrittenAtKill = false;
        await waitFor(
          async () => {
            const state = (await c.progress(runId)).state;
            if (state === 'active' && FAULTS.inject) {
              // Freeze it first: what the store holds now is all this aggregator will ever write.
              aggregator.child.kill('SIGSTOP');
              seenActive = true;
              unwrittenAtKill = !(await c.store.hasRun(runId));
              await aggregator.stop('SIGKILL');
              return true;
            }
            return state === 'completed' || undefined;
          },
          { what: 'the parent to become active', timeoutMs: 120_000, intervalMs: 2 },
        );
        await aggregator.stop('SIGKILL');
        aggregator = c.spawn('aggregator', env);
        const run = await c.waitForRun(runId);
        // The store is written before BullMQ marks the parent completed.
        await waitFor(async () => (await c.progress(runId)).state === 'completed' || undefined, {
          what: 'the parent to complete',
        });
        const parent = await c.aggregate.getJob(runId);
        const written = (await c.aggregate.getJobs(['completed'])).filter((j) => j.returnvalue?.written).length;
        const { problems, check } = checks();
        check(seenActive, 'the aggregator finished the run before it could be killed');
        check(unwrittenAtKill, 'the run was already in the store when the aggregator was killed');
        check((parent?.attemptsStarted ?? 0) >= 2, 'the parent job was not started again after the kill');
        check(written === 1, `${written} store writes, expected exactly 1`);
        return c.measure('3 SIGKILL the aggregator while it processes a run', [run], 1500, {
          problems,
          note: `killed mid-run with the run unwritten: ${seenActive && unwrittenAtKill}; parent started ${parent?.attemptsStarted ?? 0} times; store writes: ${written}`,
        });
      }),
  },
  {
    name: '4 restart redis-server mid-run',
    run: () =>
      withStack({ MODEL_DIR: SLOW_TINY_MODEL_DIR }, async (c) => {
        const env = feedEnv(c, 30);
        c.spawn('classifier', env);
        c.spawn('classifier', env);
        c.spawn('loader', env);
        c.spawn('aggregator', env);
        await c.waitForClassifiers(2);
        const runId = await c.trigger();
        await c.waitForProgress(runId, 4);
        const before = await c.progress(runId);
        const writtenBefore = await c.store.hasRun(runId);
        const stopped = c.redis.process;
        if (FAULTS.inject) await c.redis.stop();
        const down = stopped.exitCode !== null || stopped.signalCode !== null;
        await new Promise((r) => setTimeout(r, 1_500));
        if (FAULTS.inject) await c.startRedis();
        const run = await c.waitForRun(runId);
        const { problems, check } = checks();
        check(done(before) < before.total && !writtenBefore, 'the run had finished before redis-server stopped');
        check(down && c.redis.process.pid !== stopped.pid, 'redis-server was not stopped and started again');
        return c.measure('4 restart redis-server mid-run', [run], 30, {
          problems,
          note: `append-only file; down 1.5 s at ${done(before)}/${before.total}`,
        });
      }),
  },
  {
    name: '5 SIGTERM each service during a run',
    run: () =>
      withStack({ MODEL_DIR: SLOW_TINY_MODEL_DIR }, async (c) => {
        const env = feedEnv(c, 24);
        const first = c.spawn('classifier', env);
        c.spawn('classifier', env);
        const loader = c.spawn('loader', env);
        const aggregator = c.spawn('aggregator', env);
        await c.waitForClassifiers(2);
        const runId = await c.trigger();
        await c.waitForProgress(runId, 3);
        const codes: (number | null)[] = [];
        for (const proc of FAULTS.inject ? [first, loader, aggregator] : []) {
          proc.child.kill('SIGTERM');
          codes.push((await proc.exited).code);
        }
        const stoppedAt = await c.progress(runId);
        const writtenWhileDown = await c.store.hasRun(runId);
        if (FAULTS.inject) {
          c.spawn('loader', env);
          c.spawn('aggregator', env);
        }
        const run = await c.waitForRun(runId);
        const jobs = await c.classify.getJobs(['completed'], 0, 100);
        const restarted = jobs.filter((j) => (j.attemptsStarted ?? 1) > 1).length;
        const { problems, check } = checks();
        check(
          codes.length === 3 && codes.every((code) => code === 0),
          `exit codes [${codes.join(',')}]: not all three services stopped cleanly on SIGTERM`,
        );
        check(!writtenWhileDown && done(stoppedAt) < stoppedAt.total, 'the run finished before the services stopped');
        // A classifier stopped by SIGTERM finishes its job; none is handed over as stalled.
        check(restarted === 0, `${restarted} job(s) started twice after a clean stop`);
        return c.measure('5 SIGTERM each service during a run', [run], 24, {
          problems,
          note: `exit codes ${codes.join(',')}; stopped at ${done(stoppedAt)}/${stoppedAt.total}; jobs started twice: ${restarted}`,
        });
      }),
  },
  {
    name: '6 a slow feed, a 500-then-recovering feed, a dead feed',
    run: async () => {
      const healthy: FeedHandler = (_req, res) => void res.writeHead(200).end(generatedFeed(0));
      const server = await startFeedServer({
        '/slow': FAULTS.inject ? () => {} : healthy,
        '/flaky': (_req, res, hit) =>
          hit === 1 && FAULTS.inject
            ? void res.writeHead(500).end()
            : void res.writeHead(200).end(generatedFeed(20, { tag: 'flaky' })),
        '/dead': FAULTS.inject ? (_req, res) => void res.writeHead(500).end() : healthy,
      });
      try {
        return await withStack({ FETCH_TIMEOUT_MS: '1000', FETCH_RETRIES: '1' }, async (c) => {
          const env = { FEED_URLS: ['/slow', '/flaky', '/dead'].map((p) => server.url(p)).join(',') };
          c.spawn('classifier', env);
          c.spawn('loader', env);
          c.spawn('aggregator', env);
          const runId = await c.trigger();
          const run = await c.waitForRun(runId);
          const status = (p: string) => {
            const f = run?.feeds.find((feed) => feed.url.endsWith(p));
            return f?.error?.code ?? f?.status ?? 'missing';
          };
          const { problems, check } = checks();
          check(status('/slow') === 'FEED_TIMEOUT', `/slow ended ${status('/slow')}, not FEED_TIMEOUT`);
          check(
            status('/flaky') === 'ok' && server.hits('/flaky') >= 2,
            `/flaky ended ${status('/flaky')} after ${server.hits('/flaky')} request(s), not ok after a retry`,
          );
          check(status('/dead') === 'FEED_HTTP_STATUS', `/dead ended ${status('/dead')}, not FEED_HTTP_STATUS`);
          return c.measure('6 a slow feed, a 500-then-recovering feed, a dead feed', [run], 20, {
            problems,
            note: ['/slow', '/flaky', '/dead'].map((p) => `${p} ${status(p)}`).join(', '),
          });
        });
      } finally {
        await server.close();
      }
    },
  },
  {
    name: '7 a poison article that fails every attempt',
    run: () =>
      withStack({}, async (c) => {
        c.spawn('classifier');
        c.spawn('aggregator');
        const runId = 'manual-poison';
        const articles = Array.from({ length: 10 }, (_, i) =>
          buildArticle({ id: `p${i}`, feed: 'f', title: `Bitcoin story ${i}`, link: '' }),
        );
        const poison = { ...articles[0]!, id: 'poison', title: 'Poison' };
        await addRunFlow(c.client, c.prefix, runId, [
          ...articles.map((article) => ({ article })),
          {
            article: poison,
            // Its record in the run's hash is no article: its classify job has nothing to classify.
            ...(FAULTS.inject ? { record: JSON.stringify({ ...poison, fetchedAt: 'yesterday' }) } : {}),
          },
        ]);
        const run = await c.waitForRun(runId);
        const { problems, check } = checks();
        check(
          run?.failures.length === 1 && run.failures[0]?.articleId === 'poison',
          `failures: ${JSON.stringify(run?.failures.map((f) => f.articleId))}, expected only the poison article`,
        );
        const poisonJob = await c.classify.getJob(`${runId}.poison`);
        check(poisonJob?.attemptsMade === 1, `the poison job was attempted ${poisonJob?.attemptsMade} times, not once`);
        return c.measure('7 a poison article that fails every attempt', [run], 11, {
          expectedFailed: [1, 1],
          problems,
          note: run?.failures[0]?.reason ?? 'no failure recorded',
        });
      }),
  },
  {
    name: '8 two loaders and two aggregators at once',
    noControl: true,
    run: () =>
      withStack({ DIGEST_CRON: '*/3 * * * * *' }, async (c) => {
        const env = feedEnv(c, 50);
        c.spawn('classifier', env);
        c.spawn('classifier', env);
        const loaders = [c.spawn('loader', env), c.spawn('loader', env)];
        c.spawn('aggregator', env);
        c.spawn('aggregator', env);
        await c.waitForClassifiers(2);
        await c.trigger();
        await c.trigger();
        await new Promise((r) => setTimeout(r, 10_000));
        for (const l of loaders) await l.stop();
        const triggers = (await c.runRequests.getJobs(['completed'], 0, 100)).map((j) => j.returnvalue.runId as string);
        const schedulers = (await c.runRequests.getJobSchedulers()).length;
        const runs = await Promise.all(triggers.map((id) => c.waitForRun(id)));
        const stored = (await c.store.runs({ limit: 1000 })).total;
        const written = (await c.aggregate.getJobs(['completed'], 0, 1000)).filter(
          (j) => j.returnvalue?.written,
        ).length;
        const { problems, check } = checks();
        check(triggers.length >= 2, `${triggers.length} triggers finished, expected the 2 requested and any scheduled`);
        check(schedulers === 1, `${schedulers} schedulers, expected 1`);
        check(stored === triggers.length, `${stored} runs stored for ${triggers.length} triggers`);
        check(written === stored, `${written} store writes for ${stored} runs`);
        return c.measure('8 two loaders and two aggregators at once', runs, 50, {
          problems,
          note: `${triggers.length} triggers (${schedulers} scheduler), ${stored} runs stored, ${written} store writes`,
        });
      }),
  },
  {
    name: '9 a notification destination that is down for the whole run',
    run: async () => {
      const ok: FeedHandler = (_req, res) => void res.writeHead(200).end();
      // Down: every delivery answers 503, which the notifier retries, so each attempt reaches it.
      const hooks = await startFeedServer({
        '/up': ok,
        '/down': FAULTS.inject ? (_req, res) => void res.writeHead(503).end('maintenance') : ok,
      });
      try {
        return await withStack(
          { NOTIFY_ATTEMPTS: '3', NOTIFY_RETRY_DELAY_MS: '200', FEED_ALLOW_PRIVATE: 'true' },
          async (c) => {
            const env = feedEnv(c, 12);
            const subscriptions = new SubscriptionStore(c.client, c.prefix, { labels: DEFAULT_LABELS.split(',') });
            const topics = DEFAULT_LABELS.split(',');
            const up = await subscriptions.create({ name: 'up', topics, webhookUrl: hooks.url('/up') });
            const down = await subscriptions.create({ name: 'down', topics, webhookUrl: hooks.url('/down') });
            c.spawn('classifier', env);
            c.spawn('loader', env);
            c.spawn('aggregator', env);
            c.spawn('notifier', env);
            const runId = await c.trigger();
            const run = await c.waitForRun(runId);
            const job = (subscriptionId: string) =>
              c.notify.getJob(deliveryId({ runId, destination: { kind: 'webhook', subscriptionId } }));
            const settled = async (id: string) => (await job(id))?.finishedOn !== undefined;
            await waitFor(async () => ((await settled(up.id)) && (await settled(down.id))) || undefined, {
              what: 'both deliveries to finish',
              timeoutMs: 60_000,
            }).catch(() => undefined);
            const [upJob, downJob] = [await job(up.id), await job(down.id)];
            const downState = await downJob?.getState();
            const status = await cliStatus(c);
            const shown = status.problems.find(
              (p) => p.kind === 'notification-failed' && downJob?.id !== undefined && p.message.includes(downJob.id),
            );
            const { problems, check } = checks();
            check(hooks.hits('/down') === 3, `the down destination was tried ${hooks.hits('/down')} times, not 3`);
            check(
              hooks.hits('/up') === 1 && (await upJob?.getState()) === 'completed',
              `the healthy destination got ${hooks.hits('/up')} deliveries (job ${await upJob?.getState()}), not exactly 1`,
            );
            check(
              downState === 'failed' && downJob?.attemptsMade === 3,
              `the down delivery ended ${downState} after ${downJob?.attemptsMade} attempt(s), not failed after 3`,
            );
            check(
              /answered HTTP 503/.test(downJob?.failedReason ?? '') &&
                // The path may hold a secret, so the reason names the destination by its host.
                (downJob?.failedReason ?? '').includes(new URL(hooks.url('/down')).host),
              `failedReason "${downJob?.failedReason}" does not name the destination and its 503`,
            );
            check(shown !== undefined, 'tidings status does not show the failed delivery as a problem');
            return c.measure('9 a notification destination that is down for the whole run', [run], 12, {
              problems,
              note: `up ${hooks.hits('/up')} delivery, down tried ${hooks.hits('/down')} times; status: ${shown?.message ?? 'no problem shown'}`,
            });
          },
        );
      } finally {
        await hooks.close();
      }
    },
  },
  {
    name: '11 SIGKILL the Redis primary mid-run; Sentinel promotes the replica',
    run: async () => {
      const deliveries: string[] = [];
      const hooks = await startFeedServer({
        '/hook': (req, res) => {
          deliveries.push(String(req.headers['x-tidings-delivery']));
          res.writeHead(200).end();
        },
      });
      try {
        return await withStack(
          { MODEL_DIR: SLOW_TINY_MODEL_DIR, FEED_ALLOW_PRIVATE: 'true' },
          async (c) => {
            const setup = c.sentinel;
            if (!setup) throw new Error('scenario 10 needs the Sentinel setup');
            const env = feedEnv(c, 30);
            const topics = DEFAULT_LABELS.split(',');
            const subscriptions = new SubscriptionStore(c.client, c.prefix, { labels: topics });
            await subscriptions.create({ name: 'hook', topics, webhookUrl: hooks.url('/hook') });
            for (const name of ['classifier', 'classifier', 'loader', 'aggregator', 'notifier'] as const) {
              c.spawn(name, env);
            }
            await c.waitForClassifiers(2);
            const runId = await c.trigger();
            await c.waitForProgress(runId, 4);
            const atKill = await c.progress(runId);
            let lostBytes = 0;
            let lostCompletions = 0;
            if (FAULTS.inject) {
              // Asynchronous replication, staged: the primary drops its replica's link while the
              // replica is frozen (for half of Sentinel's down-after, so the Sentinels still hold
              // it up and promote it), so it cannot reconnect, and the primary dies with writes
              // it never sent on.
              // Read on each data node itself, past Sentinel: what the primary had, what the replica got.
              const password = setup.env.REDIS_PASSWORD;
              const completedKey = `${c.prefix}:classify:completed`;
              const completed = () => askNode(setup.primary.port, password, (r) => r.zcard(completedKey));
              const completedBefore = await completed();
              setup.replica.process.kill('SIGSTOP');
              await askNode(setup.primary.port, password, (r) => r.client('KILL', 'TYPE', 'replica'));
              await waitFor(async () => (await completed()) > completedBefore || undefined, {
                what: 'a child to complete on the primary alone',
                timeoutMs: setup.downAfterMs / 2,
                intervalMs: 20,
              }).catch(() => undefined);
              const atKill = await askNode(setup.primary.port, password, async (r) => ({
                offset: infoNumber(await r.info('replication'), 'master_repl_offset'),
                completed: await r.zrange(completedKey, 0, -1),
              }));
              await setup.killPrimary(() => setup.replica.process.kill('SIGCONT'));
              const promoted = await askNode(setup.replica.port, password, async (r) => ({
                // Where the replica's history ends and its own as a primary begins.
                at: infoNumber(await r.info('replication'), 'second_repl_offset') - 1,
                completed: new Set(await r.zrange(completedKey, 0, -1)),
              }));
              if (atKill && promoted) {
                lostBytes = Math.max(0, atKill.offset - promoted.at);
                lostCompletions = atKill.completed.filter((id) => !promoted.completed.has(id)).length;
              }
            }
            const primaryAfter = await setup.currentPrimary();
            const run = await c.waitForRun(runId);
            // One more ordinary run: it finds every article seen, and nothing of the first is redone.
            const next = run ? await c.waitForRun(await c.trigger()) : undefined;
            const delivered = async () => (await c.notify.getJobs(['completed', 'failed'])).length > 0 || undefined;
            await waitFor(delivered, { what: 'the digest to be delivered', timeoutMs: 30_000 }).catch(() => undefined);
            const digestsOfRun = deliveries.filter((id) => id.includes(runId));
            const repeatedDeliveries = digestsOfRun.length - new Set(digestsOfRun).size;
            const { problems, check } = checks();
            check(
              primaryAfter === `127.0.0.1:${setup.replica.port}`,
              `the Sentinels name ${primaryAfter} as primary, not the former replica 127.0.0.1:${setup.replica.port}`,
            );
            check(done(atKill) < atKill.total, 'the run had finished before the primary was killed');
            check(lostBytes > 0, 'the promoted replica had every write: the failover lost nothing to recover');
            check(c.running() === 5, `${c.running()} of the 5 service processes still run: some did not survive it`);
            check(
              new Set(digestsOfRun).size === 1,
              `${new Set(digestsOfRun).size} digest(s) of the run delivered, not 1`,
            );
            check(repeatedDeliveries === 0, `the digest was delivered ${digestsOfRun.length} times`);
            check(next !== undefined && next.counts.new === 0, 'the next run did not find every article seen');
            return c.measure('11 SIGKILL the Redis primary mid-run; Sentinel promotes the replica', [run, next], 30, {
              problems,
              note: `killed at ${done(atKill)}/${atKill.total}; promoted ${primaryAfter}; lost at failover: ${lostBytes} bytes of replication, ${lostCompletions} child completion(s); digests delivered: ${digestsOfRun.length}`,
            });
          },
          { sentinel: true },
        );
      } finally {
        await hooks.close();
      }
    },
  },
];
