import { TidingsError } from '@tidings/shared';

/** A reclassify run that cannot be applied: no report (unknown, still running, or pruned). */
export class ReclassifyApplyError extends TidingsError {
  static readonly code = 'TIDINGS_RECLASSIFY_APPLY';
  static readonly meaning =
    'A reclassify run cannot be applied: the id is not a run id, or the run has no report (unknown, still running, or older than RETENTION_DAYS). Nothing was changed.';
  static readonly fix =
    'Check the run id; `tidings status` shows the runs in progress, and `tidings reclassify --since …` starts a new one.';

  constructor(runId: string, problem: string, fix: string) {
    super(ReclassifyApplyError.code, `reclassify run ${runId} ${problem}`, { fix });
  }
}
