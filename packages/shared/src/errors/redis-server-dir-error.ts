import { TidingsError } from './tidings-error.js';

/** The private redis-server's data folder cannot be made or used; nothing was started. */
export class RedisServerDirError extends TidingsError {
  constructor(
    readonly dir: string,
    detail: string,
  ) {
    super('TIDINGS_REDIS_DIR_UNUSABLE', `redis-server cannot keep its data in ${dir} (${detail})`, {
      fix: 'set DATA_DIR to a folder tidings can create and write',
    });
  }
}
