import { TidingsError } from '@tidings/shared';

/** Redis may evict keys under memory pressure: queued jobs and stored runs would vanish without a trace. */
export class RedisEvictsError extends TidingsError {
  static readonly code = 'TIDINGS_REDIS_EVICTS';
  static readonly meaning =
    'Redis may evict keys under memory pressure (its maxmemory-policy is not noeviction), which would silently drop queued jobs and stored runs; the service refused to start.';
  static readonly fix =
    "Set maxmemory-policy to noeviction (CONFIG SET maxmemory-policy noeviction, or the provider's parameter group), or set REDIS_ALLOW_EVICTION=true to accept the risk.";

  constructor(where: string, policy: string) {
    super(
      RedisEvictsError.code,
      `the Redis at ${where} has maxmemory-policy ${policy}, so it may silently drop queued jobs and stored runs`,
      {
        fix: "set maxmemory-policy to noeviction (CONFIG SET maxmemory-policy noeviction, or the provider's parameter group), or set REDIS_ALLOW_EVICTION=true to accept the risk",
      },
    );
  }
}
