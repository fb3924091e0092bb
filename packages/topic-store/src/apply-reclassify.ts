import { type ReclassifyReport, RUN_ID_PATTERN, type TopicArticle } from '@tidings/shared';
import { ReclassifyApplyError } from './errors/reclassify-apply-error.js';
import type { ReclassifyReports } from './reclassify-reports.js';
import { type TopicStoreWriter, WRITE_PAGE } from './topic-store-writer.js';

/**
 * Writes a reclassify run's new labels into the store, each article once, a page at a time:
 * its label, scores and version change, and it moves to its new topic; nothing is delivered
 * again. An article pruned since the report, or relabelled since by another run, is left
 * as it is and counted as skipped. Applying again (a retry, a second request) writes nothing
 * more and returns the report as it was applied; a crash half-way is finished by the next
 * apply, with the same counts.
 */
export async function applyReclassifyRun(
  runId: string,
  store: TopicStoreWriter,
  reports: ReclassifyReports,
  options: { retentionMs: number; now?: Date },
): Promise<ReclassifyReport> {
  if (!RUN_ID_PATTERN.test(runId))
    throw new ReclassifyApplyError(
      JSON.stringify(runId).slice(0, 120),
      'is not a run id',
      'name a run id ([A-Za-z0-9_-], at most 100)',
    );
  const report = await reports.read(runId);
  if (!report)
    throw new ReclassifyApplyError(
      runId,
      'has no report: it is unknown, still running, or older than RETENTION_DAYS',
      '`tidings status` shows the runs in progress; `tidings reclassify --since …` starts a new one',
    );
  if (report.applied) return report;
  const applied = { changed: 0, unchanged: 0, skipped: 0 };
  const seen = new Set<string>();
  let cursor = '0';
  do {
    const page = await reports.resultsPage(runId, cursor, WRITE_PAGE);
    cursor = page.next;
    const fresh = [...page.results].filter(([id]) => !seen.has(id));
    const stored = new Map((await store.articlesById(fresh.map(([id]) => id))).map((a) => [a.id, a]));
    const writes: TopicArticle[] = [];
    for (const [id, result] of fresh) {
      seen.add(id);
      const article = stored.get(id);
      const ours = article?.reclassifiedBy === runId;
      if (!article || (!ours && article.label !== result.was)) {
        applied.skipped += 1;
        continue;
      }
      if (result.was === result.label) applied.unchanged += 1;
      else applied.changed += 1;
      // Sources and own-topic matches are read with an article, never stored with it.
      const { sources: _sources, ownMatches: _ownMatches, ...kept } = article;
      writes.push({
        ...kept,
        label: result.label,
        score: result.score,
        scores: result.scores,
        ...(result.version ? { version: result.version } : {}),
        // A re-score replaces the calibration record too: the new scores are raw when none was in force.
        rawScores: result.rawScores,
        calibration: result.calibration ?? null,
        reclassifiedBy: runId,
      });
    }
    for (let start = 0; start < writes.length; start += WRITE_PAGE)
      await store.applyReclassified(runId, writes.slice(start, start + WRITE_PAGE));
  } while (cursor !== '0');
  await store.markApplied(runId, options.retentionMs);
  const done: ReclassifyReport = {
    ...report,
    applied: { appliedAt: (options.now ?? new Date()).toISOString(), ...applied },
  };
  await reports.recordApplied(done);
  return done;
}
