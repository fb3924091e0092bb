import { TidingsError } from '@tidings/shared';

export class RedisServerMissingError extends TidingsError {
  static readonly code = 'TIDINGS_REDIS_SERVER_MISSING';
  static readonly meaning =
    'REDIS_URL is unset, so tidings wanted to start a private redis-server, but none is installed.';
  static readonly fix = 'Install it (apt-get install -y redis-server), or set REDIS_URL to a Redis server.';

  constructor(bin: string) {
    super(RedisServerMissingError.code, `${bin} is not installed`, {
      fix: "install it with 'apt-get install -y redis-server', or set REDIS_URL to a Redis server",
    });
  }
}
