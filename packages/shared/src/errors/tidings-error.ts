export interface TidingsErrorOptions {
  /** What the user can change to make it work; appended to the message. */
  fix?: string;
  cause?: unknown;
  /**
   * How a service that fails to start with this error exits, so its supervisor knows what to
   * do (runtime's EXIT_CONFIG, the default: stop everything; EXIT_UNAVAILABLE: leave this one down).
   */
  exitCode?: number;
}

/** What one error code means and what to do about it, as docs/errors.md lists it. */
export interface ErrorCodeDoc {
  /** What happened, in general terms (the message says where and with what). */
  meaning: string;
  /** What the user can change; the message may name it more precisely. */
  fix: string;
}

/**
 * Base of every error a user can act on: a stable code, a message that says what went wrong
 * and where, and the fix. Anything that is not a TidingsError is a bug and keeps its stack.
 * Every subclass declares its catalogue entry as statics, read without constructing it:
 * `code`, `meaning` and `fix`, or `codes` (code → ErrorCodeDoc) when it has several.
 */
export class TidingsError extends Error {
  readonly fix: string | undefined;
  readonly exitCode: number | undefined;

  constructor(
    readonly code: string,
    message: string,
    options: TidingsErrorOptions = {},
  ) {
    super(options.fix ? `${message}; ${options.fix}` : message, { cause: options.cause });
    this.name = new.target.name;
    this.fix = options.fix;
    this.exitCode = options.exitCode;
  }
}
