import path from 'node:path';
import type { Article, RunManifest } from '@tidings/contracts';
import { buildRunFlow } from '@tidings/contracts';
import { generatedFeed, startFeedServer, writeGeneratedFeed } from '@tidings/feed-fixtures';
import { FlowProducer } from 'bullmq';
import { SLOW_TINY_MODEL_DIR } from '../paths.js';
import { waitFor } from '../wait.js';
import { FaultCluster, type Row } from './cluster.js';

export interface Scenario {
  name: string;
  run(): Promise<Row>;
}

async function withCluster(env: Record<string, string>, body: (c: FaultCluster) => Promise<Row>): Promise<Row> {
  const cluster = await new FaultCluster(env).start();
  try {
    return await body(cluster);
  } finally {
    await cluster.stop();
  }
}

function feedEnv(cluster: FaultCluster, count: number, tag = 'f'): Record<string, string> {
  return { FEED_URLS: writeGeneratedFeed(path.join(cluster.dir, `${tag}.xml`), count, { tag }) };
}

export const SCENARIOS: Scenario[] = [
  {
    name: '1 SIGKILL a classifier mid-job',
    run: () =>
      withCluster({ MODEL_DIR: SLOW_TINY_MODEL_DIR }, async (c) => {
        const env = feedEnv(c, 24);
        const a = c.spawn('classifier', env);
        c.spawn('classifier', env);
        c.spawn('loader', env);
        c.spawn('aggregator', env);
        await c.waitForClassifiers(2);
        const runId = await c.trigger();
        await c.waitForProgress(runId, 3);
        await a.stop('SIGKILL');
        const run = await c.waitForRun(runId);
        const jobs = await c.classify.getJobs(['completed'], 0, 100);
        const recovered = jobs.filter((j) => (j.attemptsStarted ?? 1) > 1).length;
        return c.measure(
          '1 SIGKILL a classifier mid-job',
          [run],
          24,
          `${recovered} stalled job(s) recovered by the other worker`,
        );
      }),
  },
  {
    name: '2 SIGKILL every classifier until a job passes its stall limit',
    run: () =>
      withCluster({ MODEL_DIR: SLOW_TINY_MODEL_DIR }, async (c) => {
        // One article, so every kill lands on the same job until BullMQ gives up on it.
        const env = feedEnv(c, 1);
        c.spawn('loader', env);
        c.spawn('aggregator', env);
        const runId = await c.trigger();
        await waitFor(async () => (await c.progress(runId)).total === 1 || undefined, { what: 'the run' });
        let kills = 0;
        let starts = 0;
        const job = async () => (await c.classify.getJobs(['active', 'waiting', 'failed', 'completed']))[0];
        while (kills < 8 && (await job())?.finishedOn === undefined) {
          const worker = c.spawn('classifier', env);
          // Kill only once this worker has (re)started the job: a dead worker's job stays
          // "active" until its lock expires and a live worker's stalled check hands it back.
          const restarted = await waitFor(
            async () => {
              const j = await job();
              return ((j?.attemptsStarted ?? 0) > starts && (await j?.getState()) === 'active') || undefined;
            },
            { what: 'the job to start again', timeoutMs: 30_000, intervalMs: 5 },
          ).catch(() => false);
          await worker.stop('SIGKILL');
          if (!restarted) break;
          starts = (await job())?.attemptsStarted ?? starts;
          kills++;
        }
        c.spawn('classifier', env);
        const run = await c.waitForRun(runId);
        return c.measure(
          '2 SIGKILL every classifier until a job passes its stall limit',
          [run],
          1,
          `${kills} kills; ${run?.failures[0]?.reason ?? 'no failure'}`,
        );
      }),
  },
  {
    name: '3 SIGKILL the aggregator while it processes a run',
    run: () =>
      withCluster({}, async (c) => {
        const env = feedEnv(c, 1500);
        c.spawn('classifier', env);
        c.spawn('classifier', env);
        c.spawn('loader', env);
        let aggregator = c.spawn('aggregator', env);
        await c.waitForClassifiers(2);
        const runId = await c.trigger();
        let killedWhileActive = false;
        await waitFor(
          async () => {
            const state = (await c.progress(runId)).state;
            if (state === 'active') {
              await aggregator.stop('SIGKILL');
              killedWhileActive = !(await c.store.hasRun(runId));
              return true;
            }
            return state === 'completed' || undefined;
          },
          { what: 'the parent to become active', timeoutMs: 120_000, intervalMs: 2 },
        );
        if (!killedWhileActive) await aggregator.stop('SIGKILL');
        aggregator = c.spawn('aggregator', env);
        const run = await c.waitForRun(runId);
        // The store is written before BullMQ marks the parent completed.
        await waitFor(async () => (await c.progress(runId)).state === 'completed' || undefined, {
          what: 'the parent to complete',
        });
        const written = (await c.aggregate.getJobs(['completed'])).filter((j) => j.returnvalue?.written).length;
        return c.measure(
          '3 SIGKILL the aggregator while it processes a run',
          [run],
          1500,
          `killed mid-run: ${killedWhileActive}; store writes: ${written}`,
        );
      }),
  },
  {
    name: '4 restart redis-server mid-run',
    run: () =>
      withCluster({ MODEL_DIR: SLOW_TINY_MODEL_DIR }, async (c) => {
        const env = feedEnv(c, 30);
        c.spawn('classifier', env);
        c.spawn('classifier', env);
        c.spawn('loader', env);
        c.spawn('aggregator', env);
        await c.waitForClassifiers(2);
        const runId = await c.trigger();
        await c.waitForProgress(runId, 4);
        await c.redis.stop();
        await new Promise((r) => setTimeout(r, 1_500));
        await c.startRedis();
        const run = await c.waitForRun(runId);
        return c.measure('4 restart redis-server mid-run', [run], 30, 'append-only file; down 1.5 s');
      }),
  },
  {
    name: '5 SIGTERM each service during a run',
    run: () =>
      withCluster({ MODEL_DIR: SLOW_TINY_MODEL_DIR }, async (c) => {
        const env = feedEnv(c, 24);
        const first = c.spawn('classifier', env);
        c.spawn('classifier', env);
        const loader = c.spawn('loader', env);
        const aggregator = c.spawn('aggregator', env);
        await c.waitForClassifiers(2);
        const runId = await c.trigger();
        await c.waitForProgress(runId, 3);
        const codes = [];
        for (const proc of [first, loader, aggregator]) {
          proc.child.kill('SIGTERM');
          codes.push((await proc.exited).code);
        }
        c.spawn('loader', env);
        c.spawn('aggregator', env);
        const run = await c.waitForRun(runId);
        const jobs = await c.classify.getJobs(['completed'], 0, 100);
        const restarted = jobs.filter((j) => (j.attemptsStarted ?? 1) > 1).length;
        return c.measure(
          '5 SIGTERM each service during a run',
          [run],
          24,
          `exit codes ${codes.join(',')}; jobs started twice: ${restarted}`,
        );
      }),
  },
  {
    name: '6 a slow feed, a 500-then-recovering feed, a dead feed',
    run: async () => {
      const server = await startFeedServer({
        '/slow': () => {},
        '/flaky': (_req, res, hit) =>
          hit === 1 ? void res.writeHead(500).end() : void res.writeHead(200).end(generatedFeed(20, { tag: 'flaky' })),
        '/dead': (_req, res) => void res.writeHead(500).end(),
      });
      try {
        return await withCluster({ FETCH_TIMEOUT_MS: '1000', FETCH_RETRIES: '1' }, async (c) => {
          const env = { FEED_URLS: ['/slow', '/flaky', '/dead'].map((p) => server.url(p)).join(',') };
          c.spawn('classifier', env);
          c.spawn('loader', env);
          c.spawn('aggregator', env);
          const runId = await c.trigger();
          const run = await c.waitForRun(runId);
          const statuses = run?.feeds
            .map((f) => `${f.url.slice(f.url.lastIndexOf('/'))} ${f.error?.code ?? f.status}`)
            .join(', ');
          return c.measure('6 a slow feed, a 500-then-recovering feed, a dead feed', [run], 20, statuses ?? 'no run');
        });
      } finally {
        await server.close();
      }
    },
  },
  {
    name: '7 a poison article that fails every attempt',
    run: () =>
      withCluster({}, async (c) => {
        c.spawn('classifier');
        c.spawn('aggregator');
        const runId = 'manual-poison';
        const articles: Article[] = Array.from({ length: 10 }, (_, i) => ({
          id: `p${i}`,
          feed: 'f',
          title: `Bitcoin story ${i}`,
          summary: '',
          link: '',
          publishedEstimated: false,
          published: '2026-11-24T10:00:00.000Z',
          fetchedAt: '2026-11-24T10:00:00.000Z',
        }));
        const poison = { ...articles[0]!, id: 'poison', title: 'Poison' };
        const manifest: RunManifest = {
          runId,
          trigger: 'manual',
          startedAt: new Date().toISOString(),
          feeds: [],
          articles: [...articles, poison],
        };
        const flows = new FlowProducer({ connection: c.client, prefix: c.prefix });
        const flow = buildRunFlow(manifest);
        flow.children = flow.children?.map((child) =>
          child.data.article.id === 'poison'
            ? { ...child, data: { runId, article: { ...poison, fetchedAt: 'yesterday' } } }
            : child,
        );
        await flows.add(flow);
        await flows.close();
        const run = await c.waitForRun(runId);
        return c.measure(
          '7 a poison article that fails every attempt',
          [run],
          11,
          run?.failures[0]?.reason ?? 'no failure recorded',
        );
      }),
  },
  {
    name: '8 two loaders and two aggregators at once',
    run: () =>
      withCluster({ DIGEST_CRON: '*/3 * * * * *' }, async (c) => {
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
        const triggers = (await c.feeds.getJobs(['completed'], 0, 100)).map((j) => j.returnvalue.runId as string);
        const schedulers = (await c.feeds.getJobSchedulers()).length;
        const runs = await Promise.all(triggers.map((id) => c.waitForRun(id)));
        const stored = (await c.store.runs({ limit: 1000 })).total;
        const written = (await c.aggregate.getJobs(['completed'], 0, 1000)).filter(
          (j) => j.returnvalue?.written,
        ).length;
        const row = await c.measure('8 two loaders and two aggregators at once', runs, 50);
        row.duplicated += Math.abs(stored - triggers.length) + Math.abs(written - stored);
        row.note = `${triggers.length} triggers (${schedulers} scheduler), ${stored} runs stored, ${written} store writes`;
        return row;
      }),
  },
];
