import { TidingsError } from '@tidings/shared';

/** The private redis-server's data folder cannot be made or used; nothing was started. */
export class RedisServerDirError extends TidingsError {
  static readonly code = 'TIDINGS_REDIS_DIR_UNUSABLE';
  static readonly meaning =
    "The private redis-server's data folder (under DATA_DIR) cannot be created or written; nothing was started.";
  static readonly fix = 'Set DATA_DIR to a folder tidings can create and write.';

  constructor(
    readonly dir: string,
    detail: string,
  ) {
    super(RedisServerDirError.code, `redis-server cannot keep its data in ${dir} (${detail})`, {
      fix: 'set DATA_DIR to a folder tidings can create and write',
    });
  }
}
