import { TidingsError } from './tidings-error.js';

/** A setting that cannot be used; the message is one line naming the variable and the problem. */
export class ConfigError extends TidingsError {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super('TIDINGS_CONFIG_INVALID', `${variable}: ${message}`);
  }
}
