/** A setting that cannot be used; the message is one line naming the variable and the problem. */
export class ConfigError extends Error {
  readonly code = 'TIDINGS_CONFIG_INVALID';
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`${variable}: ${message}`);
    this.name = 'ConfigError';
  }
}
