import { TidingsError } from './tidings-error.js';

/** A file tidings was about to write or trust is not where, or not as private as, it must be. */
export class UnsafeFileError extends TidingsError {
  constructor(file: string, problem: string, fix?: string) {
    super('TIDINGS_UNSAFE_FILE', `${file}: ${problem}`, { fix });
  }
}
