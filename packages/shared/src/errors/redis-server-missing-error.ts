import { TidingsError } from './tidings-error.js';

export class RedisServerMissingError extends TidingsError {
  constructor(bin: string) {
    super('TIDINGS_REDIS_SERVER_MISSING', `${bin} is not installed`, {
      fix: "install it with 'apt-get install -y redis-server', or set REDIS_URL to a Redis server",
    });
  }
}
