import {
  type ArticleFailure,
  type ClassifyResult,
  RECLASSIFY_REPORT_LIST,
  type ReclassifiedArticle,
  type ReclassifyChange,
  type ReclassifyReport,
  type RunManifest,
  type TopicArticle,
  UNKNOWN_VERSION,
} from '@tidings/shared';

export interface FinishReportInput {
  selected: number;
  finishedAt: Date;
  finalisedBy: ReclassifyReport['finalisedBy'];
  reason?: string;
}

const bump = (counts: Record<string, number>, key: string) => {
  counts[key] = (counts[key] ?? 0) + 1;
};

/**
 * A reclassify run's report, built one article at a time in bounded memory: each new
 * result against the label the store holds, counted overall, per label and as a confusion
 * matrix; the changed articles and failures listed up to RECLASSIFY_REPORT_LIST.
 */
export class ReclassifyReportBuilder {
  private readonly counts = { classified: 0, failed: 0, compared: 0, agreed: 0, changed: 0 };
  private readonly fromVersions: Record<string, number> = {};
  private readonly toVersions: Record<string, number> = {};
  private readonly perLabel: ReclassifyReport['perLabel'] = {};
  private readonly confusion: ReclassifyReport['confusion'] = {};
  private readonly changes: ReclassifyChange[] = [];
  private readonly failures: ArticleFailure[] = [];

  constructor(private readonly manifest: RunManifest) {}

  private label(label: string) {
    this.perLabel[label] ??= { before: 0, after: 0, agreed: 0 };
    return this.perLabel[label];
  }

  /**
   * Compares one result with the stored article; returns what an apply would write, or
   * undefined when the article is no longer stored (pruned while the run ran).
   */
  add(stored: TopicArticle | undefined, result: ClassifyResult): ReclassifiedArticle | undefined {
    this.counts.classified += 1;
    bump(this.toVersions, result.version ?? UNKNOWN_VERSION);
    if (!stored) return undefined;
    this.counts.compared += 1;
    bump(this.fromVersions, stored.version ?? UNKNOWN_VERSION);
    this.label(stored.label).before += 1;
    this.label(result.label).after += 1;
    this.confusion[stored.label] ??= {};
    bump(this.confusion[stored.label] ?? {}, result.label);
    if (stored.label === result.label) {
      this.counts.agreed += 1;
      this.label(stored.label).agreed += 1;
    } else {
      this.counts.changed += 1;
      if (this.changes.length < RECLASSIFY_REPORT_LIST)
        this.changes.push({
          articleId: stored.id,
          title: stored.title,
          from: stored.label,
          to: result.label,
          score: result.score,
        });
    }
    return {
      label: result.label,
      score: result.score,
      scores: result.scores,
      ...(result.version ? { version: result.version } : {}),
      ...(result.rawScores ? { rawScores: result.rawScores } : {}),
      ...(result.calibration !== undefined ? { calibration: result.calibration } : {}),
      was: stored.label,
    };
  }

  addFailure(failure: ArticleFailure): void {
    this.counts.failed += 1;
    if (this.failures.length < RECLASSIFY_REPORT_LIST) this.failures.push(failure);
  }

  finish(input: FinishReportInput): ReclassifyReport {
    const selection = this.manifest.reclassify;
    if (!selection) throw new Error(`run ${this.manifest.runId} is not a reclassify run`);
    return {
      runId: this.manifest.runId,
      selection,
      startedAt: this.manifest.startedAt,
      finishedAt: input.finishedAt.toISOString(),
      finalisedBy: input.finalisedBy,
      ...(input.reason ? { reason: input.reason } : {}),
      counts: { selected: input.selected, ...this.counts },
      fromVersions: this.fromVersions,
      toVersions: this.toVersions,
      perLabel: this.perLabel,
      confusion: this.confusion,
      changes: this.changes,
      failures: this.failures,
      applied: null,
    };
  }
}
