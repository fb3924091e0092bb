import { TidingsError } from '@tidings/shared';

export class RunWaitTimeoutError extends TidingsError {
  static readonly code = 'TIDINGS_RUN_WAIT_TIMEOUT';
  static readonly meaning =
    '`tidings run --wait` stopped waiting: the run did not finish within --timeout seconds. The run itself goes on.';
  static readonly fix =
    'Check that the loader, a classifier and the aggregator are running (`pnpm tidings status`), or wait longer with --timeout.';

  constructor(runId: string, seconds: number) {
    super(RunWaitTimeoutError.code, `run ${runId} did not finish within ${seconds} s`, {
      fix: 'check that the loader, a classifier and the aggregator are running',
    });
  }
}
