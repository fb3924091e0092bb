import { requestReclassify } from '@tidings/run-requests';
import { keySpaceOf, loadConfig, type ReclassifyReport, reclassifySelection } from '@tidings/shared';
import { applyReclassifyRun, ReclassifyApplyError, ReclassifyReports, TopicStoreWriter } from '@tidings/topic-store';
import { formatReclassifyReport } from '../format-reclassify-report.js';
import { withStackConnection } from '../stack-connection.js';
import { waitUntilWritten } from '../wait-for-run.js';

export type ReclassifyFlags =
  | { action: 'start'; since: string; topic?: string; dryRun: boolean; json: boolean; timeoutS: number }
  | { action: 'apply'; runId: string; json: boolean }
  | { action: 'report'; runId?: string; json: boolean };

const print = (report: ReclassifyReport, json: boolean) =>
  process.stdout.write(json ? `${JSON.stringify(report, null, 2)}\n` : formatReclassifyReport(report));

/**
 * `tidings reclassify`: re-scores stored articles through the classify queue and waits for
 * the report (a dry run writes nothing else); `apply RUN` writes a dry run's labels;
 * `report [RUN]` prints a report again.
 */
export async function reclassifyCommand(flags: ReclassifyFlags): Promise<number> {
  const config = loadConfig();
  const space = keySpaceOf(config);
  return withStackConnection(config, async ({ redis, queues, store, redisShown }) => {
    const reports = new ReclassifyReports(redis, space);
    if (flags.action === 'report') {
      const report = flags.runId ? await reports.read(flags.runId) : ((await reports.list(1))[0] ?? null);
      if (!report)
        throw new ReclassifyApplyError(flags.runId ?? '(latest)', 'has no report', 'list them with `tidings status`');
      print(report, flags.json);
      return 0;
    }
    if (flags.action === 'apply') {
      const writer = new TopicStoreWriter(redis, space, { labelOrder: config.zeroShot.labels });
      const report = await applyReclassifyRun(flags.runId, writer, reports, {
        retentionMs: config.aggregator.retentionDays * 86_400_000,
      });
      print(report, flags.json);
      return 0;
    }
    const selection = reclassifySelection(
      { since: flags.since, topic: flags.topic, dryRun: flags.dryRun },
      { now: new Date(), retentionDays: config.aggregator.retentionDays, labels: await store.labels() },
    );
    const runId = await requestReclassify(queues.aggregate, redis, space, selection);
    process.stderr.write(`reclassify run ${runId} enqueued (${selection.dryRun ? 'dry run' : 'applied when done'})\n`);
    const report = await waitUntilWritten(runId, () => reports.read(runId), {
      store,
      queues,
      client: redis,
      redis: redisShown,
      timeoutMs: flags.timeoutS * 1000,
    });
    print(report, flags.json);
    return 0;
  });
}
