import { TidingsError } from '@tidings/shared';

/** Exit code of a command line that cannot be read (as getopt-style tools do). */
export const EXIT_USAGE = 2;

/** A command line that cannot be carried out as typed; `usage` is the command's usage line. */
export class UsageError extends TidingsError {
  readonly usage: string | undefined;

  constructor(message: string, options: { usage?: string } = {}) {
    super('TIDINGS_USAGE', message, { exitCode: EXIT_USAGE });
    this.usage = options.usage;
  }
}
