import { TidingsError } from '@tidings/shared';

/** A run waits for a kind of worker that is not connected to this Redis at all. */
export class NoWorkerError extends TidingsError {
  constructor(runId: string, kind: 'loader' | 'classifier' | 'aggregator', redis: string) {
    super(
      'TIDINGS_NO_WORKER',
      `run ${runId} is queued, but no ${kind} is connected to the Redis at ${redis}; it will run when one connects`,
      {
        fix: "start the stack with 'pnpm tidings start' (the CLI then finds it through DATA_DIR), or point REDIS_URL at the Redis your services use",
      },
    );
  }
}
