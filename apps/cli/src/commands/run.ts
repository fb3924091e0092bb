import { requestRun } from '@tidings/run-requests';
import { loadConfig } from '@tidings/shared';
import { withStackConnection } from '../stack-connection.js';
import { prepareFeeds } from '../stack-file.js';
import { waitForRun } from '../wait-for-run.js';

export interface RunFlags {
  feeds: string[];
  reclassify: boolean;
  wait: boolean;
  timeoutS: number;
}

export async function runCommand(flags: RunFlags): Promise<number> {
  const config = loadConfig();
  const request = prepareFeeds(config, flags.feeds);
  await withStackConnection(config, async ({ queues, store, redis, redisShown }) => {
    const runId = await requestRun(
      queues.feeds,
      { feeds: request.feeds, reclassify: flags.reclassify },
      { signingKey: request.signingKey },
    );
    if (!flags.wait) {
      process.stdout.write(`${runId}\n`);
      return;
    }
    process.stderr.write(`run ${runId} enqueued\n`);
    const run = await waitForRun(runId, {
      store,
      queues,
      client: redis,
      redis: redisShown,
      timeoutMs: flags.timeoutS * 1000,
    });
    const { topics, ...summary } = run;
    process.stdout.write(`${JSON.stringify({ run: summary, topics }, null, 2)}\n`);
  });
  return 0;
}
