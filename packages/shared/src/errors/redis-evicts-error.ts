import { TidingsError } from './tidings-error.js';

/** Redis may evict keys under memory pressure: queued jobs and stored runs would vanish without a trace. */
export class RedisEvictsError extends TidingsError {
  constructor(where: string, policy: string) {
    super(
      'TIDINGS_REDIS_EVICTS',
      `the Redis at ${where} has maxmemory-policy ${policy}, so it may silently drop queued jobs and stored runs`,
      {
        fix: "set maxmemory-policy to noeviction (CONFIG SET maxmemory-policy noeviction, or the provider's parameter group), or set REDIS_ALLOW_EVICTION=true to accept the risk",
      },
    );
  }
}
