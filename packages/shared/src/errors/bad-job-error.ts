import { TidingsError } from './tidings-error.js';

/** A job's data does not match its queue's schema: nothing in it is used, and retrying cannot help. */
export class BadJobError extends TidingsError {
  static readonly code = 'TIDINGS_BAD_JOB';
  static readonly meaning =
    "A job's data did not match its queue's schema (the message names the queue and the field). Nothing in it was used, and the job failed at once, without retries.";
  static readonly fix =
    "Find what added the job: another version of tidings on the same Redis and TIDINGS_PREFIX, or a script adding jobs by hand, and make it send what the queue's schema in packages/shared says. Start the run again if it lost articles.";

  constructor(queue: string, detail: string) {
    super(BadJobError.code, `bad ${queue} job data: ${detail}`);
  }
}
