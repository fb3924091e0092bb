import { TidingsError } from './tidings-error.js';

/** A command could not reach Redis; the URL is shown with its password masked. */
export class RedisUnreachableError extends TidingsError {
  constructor(redactedUrl: string, detail: string) {
    super('TIDINGS_REDIS_UNREACHABLE', `cannot reach Redis at ${redactedUrl} (${detail})`, {
      fix: "start tidings with 'pnpm tidings start', or set REDIS_URL",
    });
  }
}
