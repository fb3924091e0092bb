import { TidingsError } from './tidings-error.js';

/** The private redis-server exited, or never answered, while starting; its last output says why. */
export class RedisServerFailedError extends TidingsError {
  constructor(problem: string, output: string) {
    super('TIDINGS_REDIS_SERVER_FAILED', `redis-server ${problem}${output ? `: ${output}` : ''}`, {
      fix: 'fix what its output names, or set REDIS_URL to a Redis server that runs',
    });
  }
}
