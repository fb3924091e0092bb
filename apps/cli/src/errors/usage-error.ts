import { TidingsError } from '@tidings/shared';

/** A command line that cannot be carried out as typed. */
export class UsageError extends TidingsError {
  constructor(message: string) {
    super('TIDINGS_USAGE', message);
  }
}
