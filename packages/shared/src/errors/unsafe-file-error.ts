import { TidingsError } from './tidings-error.js';

/** A file tidings was about to write or trust is not where, or not as private as, it must be. */
export class UnsafeFileError extends TidingsError {
  static readonly code = 'TIDINGS_UNSAFE_FILE';
  static readonly meaning =
    'A file tidings was about to write or trust (a snapshot, the stack file, a password file) is not where, or not as private as, it must be: outside DATA_DIR, behind a link that leads out of it, readable by others, or not what it should hold. Nothing was written.';
  static readonly fix =
    "Do what the message says for that file: usually delete it (and run `tidings start` again), or make DATA_DIR a folder of this user's own.";

  constructor(file: string, problem: string, fix?: string) {
    super(UnsafeFileError.code, `${file}: ${problem}`, { fix });
  }
}
