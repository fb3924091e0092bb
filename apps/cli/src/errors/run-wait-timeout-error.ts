import { TidingsError } from '@tidings/shared';

export class RunWaitTimeoutError extends TidingsError {
  constructor(runId: string, seconds: number) {
    super('TIDINGS_RUN_WAIT_TIMEOUT', `run ${runId} did not finish within ${seconds} s`, {
      fix: 'check that the loader, a classifier and the aggregator are running',
    });
  }
}
