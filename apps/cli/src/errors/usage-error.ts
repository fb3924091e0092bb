import { TidingsError } from '@tidings/shared';

/** Exit code of a command line that cannot be read (as getopt-style tools do). */
export const EXIT_USAGE = 2;

/** A command line that cannot be carried out as typed; `usage` is the command's usage line. */
export class UsageError extends TidingsError {
  static readonly code = 'TIDINGS_USAGE';
  static readonly meaning =
    "A command line the CLI cannot carry out as typed (an unknown flag, a flag without its value, a missing argument); it exits 2 with the command's usage line, before connecting to anything.";
  static readonly fix =
    'Correct the command line as the message and the usage line say; `pnpm tidings <command> --help` lists its flags.';

  readonly usage: string | undefined;

  constructor(message: string, options: { usage?: string } = {}) {
    super(UsageError.code, message, { exitCode: EXIT_USAGE });
    this.usage = options.usage;
  }
}
