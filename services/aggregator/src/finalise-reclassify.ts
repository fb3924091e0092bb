import { ReclassifySlot } from '@tidings/run-requests';
import {
  ArticleSchema,
  articleIdOfChild,
  ClassifyResultSchema,
  childOfKey,
  describeZodError,
  QUEUE,
  type ReclassifiedArticle,
  type ReclassifyReport,
  type RunManifest,
  redisKeys,
} from '@tidings/shared';
import { applyReclassifyRun, type ReclassifyReports, WRITE_PAGE } from '@tidings/topic-store';
import type { Job } from 'bullmq';
import { ReclassifyReportBuilder } from './build-reclassify-report.js';
import type { FinaliseDeps } from './finalise-run.js';
import { classifyResultPages, ignoredChildPages } from './run-children.js';

/** A run's finalising deps it shares (the store, Redis, RETENTION_DAYS for the applied mark), and the reports. */
export interface FinaliseReclassifyDeps
  extends Pick<FinaliseDeps, 'store' | 'redis' | 'space' | 'retentionMs' | 'logger'> {
  reports: ReclassifyReports;
}

const NO_RESULT = 'no result was recorded for this article';

function titleOf(raw: string | null | undefined): string {
  try {
    const parsed = ArticleSchema.safeParse(JSON.parse(raw ?? ''));
    return parsed.success ? parsed.data.title : '';
  } catch {
    return '';
  }
}

/**
 * Turns a finished reclassify run into its report, written once: every result compared
 * with the label stored now, a page at a time, the per-article results kept for the apply.
 * A dry run stops there; any other run is applied at once. Nothing is delivered: the
 * articles are old. Repeating it (a retry) writes nothing twice.
 */
export async function finaliseReclassifyRun(
  job: Job,
  manifest: RunManifest,
  deps: FinaliseReclassifyDeps,
  byWatchdog?: { reason: string },
): Promise<ReclassifyReport> {
  const { runId } = manifest;
  const keys = redisKeys(deps.space);
  let report = await deps.reports.read(runId);
  if (!report) {
    const builder = new ReclassifyReportBuilder(manifest);
    const accounted = new Set<string>();
    for await (const entries of classifyResultPages(job, runId, accounted)) {
      const stored = new Map((await deps.store.articlesById(entries.map(([id]) => id))).map((a) => [a.id, a]));
      const results = new Map<string, ReclassifiedArticle>();
      for (const [id, value] of entries) {
        accounted.add(id);
        const result = ClassifyResultSchema.safeParse(value);
        if (!result.success) {
          builder.addFailure({
            articleId: id,
            title: stored.get(id)?.title ?? '',
            reason: `the classifier returned an unreadable result (${describeZodError(result.error)})`,
          });
          continue;
        }
        const found = builder.add(stored.get(id), result.data);
        if (found) results.set(id, found);
      }
      await deps.reports.addResults(runId, results);
    }

    for await (const ignored of ignoredChildPages(job)) {
      const failed = ignored
        .filter(([key]) => childOfKey(key).queue === QUEUE.classify)
        .map(([key, reason]) => [articleIdOfChild(key, runId), reason] as const)
        .filter(([id]) => !accounted.has(id));
      const raws =
        failed.length > 0 ? await deps.redis.hmget(keys.runArticles(runId), ...failed.map(([id]) => id)) : [];
      failed.forEach(([id, reason], i) => {
        accounted.add(id);
        builder.addFailure({ articleId: id, title: titleOf(raws[i]), reason });
      });
    }

    // Selected articles with neither a result nor a failure: the watchdog gave up on them.
    const selected = await deps.redis.llen(keys.reclassifyIds(runId));
    if (selected > accounted.size) {
      let scan = '0';
      do {
        const [next, flat] = await deps.redis.hscan(keys.runArticles(runId), scan, 'COUNT', WRITE_PAGE);
        scan = next;
        for (let i = 0; i < flat.length; i += 2) {
          const id = flat[i] ?? '';
          if (accounted.has(id)) continue;
          accounted.add(id);
          builder.addFailure({ articleId: id, title: titleOf(flat[i + 1]), reason: byWatchdog?.reason ?? NO_RESULT });
        }
      } while (scan !== '0');
    }
    report = await deps.reports.write(
      builder.finish({
        selected,
        finishedAt: new Date(),
        finalisedBy: byWatchdog ? 'watchdog' : 'aggregator',
        reason: byWatchdog?.reason,
      }),
    );
  }
  // Applied at once only when whole: a run the watchdog gave up on (a model that stopped
  // loading half-way) or with failed articles leaves the stored labels as they are, and its
  // report says so; `tidings reclassify apply` writes it when the operator decides to.
  const whole = report.finalisedBy === 'aggregator' && report.counts.failed === 0;
  if (!report.selection.dryRun && !report.applied && whole)
    report = await applyReclassifyRun(runId, deps.store, deps.reports, { retentionMs: deps.retentionMs });
  // The run's working copies are done with, and the next reclassify may start.
  await deps.redis.del(keys.runArticles(runId), keys.runFeeds(runId), keys.reclassifyIds(runId));
  await new ReclassifySlot(deps.redis, deps.space).release(runId);
  deps.logger.info(
    { runId, counts: report.counts, dryRun: report.selection.dryRun, applied: report.applied },
    report.selection.dryRun
      ? 'reclassify run finished: shadow report written'
      : report.applied
        ? 'reclassify run finished and applied'
        : 'reclassify run finished incomplete: not applied, stored labels untouched',
  );
  return report;
}
