import { TidingsError } from '@tidings/shared';

/** A command could not reach Redis; the URL is shown with its password masked. */
export class RedisUnreachableError extends TidingsError {
  static readonly code = 'TIDINGS_REDIS_UNREACHABLE';
  static readonly meaning =
    'A command could not reach Redis at the address it was given (shown with its password masked).';
  static readonly fix =
    'Start tidings with `pnpm tidings start`, or set REDIS_URL (or REDIS_SENTINELS, REDIS_CLUSTER_NODES) to a Redis that answers.';

  constructor(redactedUrl: string, detail: string) {
    super(RedisUnreachableError.code, `cannot reach Redis at ${redactedUrl} (${detail})`, {
      fix: "start tidings with 'pnpm tidings start', or set REDIS_URL",
    });
  }
}
