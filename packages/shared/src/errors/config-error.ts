import { TidingsError } from './tidings-error.js';

/** A setting that cannot be used; the message is one line naming the variable and the problem. */
export class ConfigError extends TidingsError {
  static readonly code = 'TIDINGS_CONFIG_INVALID';
  static readonly meaning =
    'A setting (an environment variable, or a line of .env) has a value tidings cannot use; the service stopped at start, before doing anything.';
  static readonly fix =
    'Change the variable the message names as it says; docs/configuration.md lists every setting, its default and what it accepts.';

  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(ConfigError.code, `${variable}: ${message}`);
  }
}
