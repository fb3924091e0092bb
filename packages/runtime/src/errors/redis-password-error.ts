import { TidingsError } from '@tidings/shared';

/**
 * A redis-server password that cannot go into its configuration unquoted. Never shows the
 * password itself.
 */
export class RedisPasswordError extends TidingsError {
  static readonly code = 'TIDINGS_REDIS_PASSWORD_INVALID';
  static readonly meaning =
    "The password of the private redis-server (DATA_DIR/redis-password) is not 16 or more letters, digits, - or _, so it cannot go into the server's configuration.";
  static readonly fix =
    'Write a password of those characters into the file, or delete it: `tidings start` writes a new one into a missing password file.';

  constructor() {
    super(RedisPasswordError.code, 'the redis-server password is not 16 or more letters, digits, - or _', {
      fix: 'give a password of those characters (tidings start writes one into a missing password file)',
    });
  }
}
