import { TidingsError } from '@tidings/shared';

/** The private redis-server could not listen: something else holds its port. */
export class RedisServerPortTakenError extends TidingsError {
  static readonly code = 'TIDINGS_REDIS_PORT_TAKEN';
  static readonly meaning = 'The private redis-server could not listen: something else holds its port (REDIS_PORT).';
  static readonly fix = 'Set REDIS_PORT to a free port (0 picks one), or stop what listens on it.';

  constructor(readonly port: number) {
    super(RedisServerPortTakenError.code, `redis-server cannot listen on 127.0.0.1:${port}: the port is taken`, {
      fix: `set REDIS_PORT to a free port (0 picks one), or stop what listens on ${port}`,
    });
  }
}
