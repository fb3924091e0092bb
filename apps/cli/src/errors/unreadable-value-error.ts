import { TidingsError } from '@tidings/shared';

/**
 * A flag's value or a word that cannot be what the command needs, said as "'abc' is not …";
 * the parser turns it into a UsageError naming the flag, with the command's usage line.
 */
export class UnreadableValueError extends TidingsError {
  constructor(message: string) {
    super('TIDINGS_UNREADABLE_VALUE', message);
  }
}
