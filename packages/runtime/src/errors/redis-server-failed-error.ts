import { TidingsError } from '@tidings/shared';

/** The private redis-server exited, or never answered, while starting; its last output says why. */
export class RedisServerFailedError extends TidingsError {
  static readonly code = 'TIDINGS_REDIS_SERVER_FAILED';
  static readonly meaning =
    'The private redis-server that `tidings start` runs (REDIS_URL unset) exited, or never answered, while starting; the message quotes its last output.';
  static readonly fix = 'Fix what its output names, or set REDIS_URL to a Redis server that runs.';

  constructor(problem: string, output: string) {
    super(RedisServerFailedError.code, `redis-server ${problem}${output ? `: ${output}` : ''}`, {
      fix: 'fix what its output names, or set REDIS_URL to a Redis server that runs',
    });
  }
}
