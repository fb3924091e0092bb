import { TidingsError } from './tidings-error.js';

/**
 * A redis-server password that cannot go into its configuration unquoted. Never shows the
 * password itself.
 */
export class RedisPasswordError extends TidingsError {
  constructor() {
    super('TIDINGS_REDIS_PASSWORD_INVALID', 'the redis-server password is not 16 or more letters, digits, - or _', {
      fix: 'give a password of those characters (tidings start writes one into a missing password file)',
    });
  }
}
