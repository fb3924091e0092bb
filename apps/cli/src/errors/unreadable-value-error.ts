import { TidingsError } from '@tidings/shared';

/**
 * A flag's value or a word that cannot be what the command needs, said as "'abc' is not …";
 * the parser turns it into a UsageError naming the flag, with the command's usage line.
 */
export class UnreadableValueError extends TidingsError {
  static readonly code = 'TIDINGS_UNREADABLE_VALUE';
  static readonly meaning =
    "A flag's value or an argument cannot be what the command needs (e.g. `--timeout abc`); the CLI reports it as TIDINGS_USAGE, naming the flag.";
  static readonly fix = 'Give a value of the kind the message says.';

  constructor(message: string) {
    super(UnreadableValueError.code, message);
  }
}
