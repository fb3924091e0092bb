import { TidingsError } from './tidings-error.js';

/** A job's data does not match its queue's schema: nothing in it is used, and retrying cannot help. */
export class BadJobError extends TidingsError {
  constructor(queue: string, detail: string) {
    super('TIDINGS_BAD_JOB', `bad ${queue} job data: ${detail}`);
  }
}
