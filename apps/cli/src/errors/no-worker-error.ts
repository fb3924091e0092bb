import { TidingsError } from '@tidings/shared';

/** A run waits for a kind of worker that is not connected to this Redis at all. */
export class NoWorkerError extends TidingsError {
  static readonly code = 'TIDINGS_NO_WORKER';
  static readonly meaning =
    'A run was queued, but no worker of a kind it needs (loader, classifier, aggregator) is connected to that Redis; it will run when one connects.';
  static readonly fix =
    'Start the stack with `pnpm tidings start` (the CLI then finds it through DATA_DIR), or point REDIS_URL at the Redis your services use.';

  constructor(runId: string, kind: 'loader' | 'classifier' | 'aggregator', redis: string) {
    super(
      NoWorkerError.code,
      `run ${runId} is queued, but no ${kind} is connected to the Redis at ${redis}; it will run when one connects`,
      {
        fix: "start the stack with 'pnpm tidings start' (the CLI then finds it through DATA_DIR), or point REDIS_URL at the Redis your services use",
      },
    );
  }
}
