import { TidingsError } from './tidings-error.js';

/** The private redis-server could not listen: something else holds its port. */
export class RedisServerPortTakenError extends TidingsError {
  constructor(readonly port: number) {
    super('TIDINGS_REDIS_PORT_TAKEN', `redis-server cannot listen on 127.0.0.1:${port}: the port is taken`, {
      fix: `set REDIS_PORT to a free port (0 picks one), or stop what listens on ${port}`,
    });
  }
}
