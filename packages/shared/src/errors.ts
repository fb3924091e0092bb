/** Base of tidings' errors a user can act on: a stable code, and a message that says what to change. */
export class TidingsError extends Error {
  constructor(
    readonly code: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}
