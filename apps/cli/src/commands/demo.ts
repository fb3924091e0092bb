import path from 'node:path';
import { TINY_MODEL_DIR } from '@tidings/classifier/tiny-model';
import { requestRun } from '@tidings/run-requests';
import { portOrFree } from '@tidings/runtime';
import { formatTopicGroups } from '../format-digest.js';
import { DEMO_FEEDS, ROOT } from '../paths.js';
import { startStack, stopOnSignals } from '../stack.js';
import { withStackConnection } from '../stack-connection.js';
import { waitForRun } from '../wait-for-run.js';

/** The demo: everything offline on the two fixture feeds and the tiny test model. */
export async function demoCommand(flags: { once: boolean; port?: number }): Promise<void> {
  const port = flags.port?.toString() ?? process.env.DASHBOARD_PORT ?? String(await portOrFree(3000));
  const stack = await startStack({
    ...process.env,
    FEED_URLS: DEMO_FEEDS.join(','),
    MODEL_DIR: TINY_MODEL_DIR,
    DATA_DIR: process.env.DATA_DIR ?? path.join(ROOT, 'data/demo'),
    DASHBOARD_PORT: port,
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
  });
  stopOnSignals(stack);
  try {
    await withStackConnection(stack.config, async ({ queues, store, redis, redisShown }) => {
      const runId = await requestRun(queues.feeds, { reclassify: true });
      process.stderr.write(
        `tidings demo: run ${runId} on ${DEMO_FEEDS.map((f) => path.relative(process.cwd(), f)).join(' and ')} with the tiny test model\n`,
      );
      const run = await waitForRun(runId, {
        store,
        queues,
        client: redis,
        redis: redisShown,
        timeoutMs: 180_000,
        // The demo's own services are still starting.
        noWorkerMs: { loader: 60_000, classifier: 60_000, aggregator: 60_000 },
      });
      const digest = await store.digest({ hours: stack.config.aggregator.windowHours });
      process.stdout.write(
        `\nDigest: ${run.counts.classified} classified, ${run.counts.failed} failed; articles of the ${digest.windowHours} h up to ${digest.to}\n\n`,
      );
      process.stdout.write(formatTopicGroups(digest.topics));
      process.stdout.write(`Snapshot: ${path.join(stack.config.dataDir, 'latest.json')}\n`);
    });
  } catch (err) {
    await stack.stop();
    throw err;
  }
  if (flags.once) {
    await stack.stop();
    process.exit(0);
  }
  process.stdout.write(`Dashboard: ${stack.url} (Ctrl-C stops everything)\n`);
}
