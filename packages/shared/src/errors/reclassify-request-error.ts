import { TidingsError } from './tidings-error.js';

/** A reclassify request that cannot run as asked: the period, the topic, or another run in progress. */
export class ReclassifyRequestError extends TidingsError {
  static readonly code = 'TIDINGS_RECLASSIFY_REQUEST';
  static readonly meaning =
    'A request to classify stored articles again cannot run as asked: its --since is not a past period or date within RETENTION_DAYS, its --topic is not a stored label, or another reclassify run is in progress (409). Nothing was started.';
  static readonly fix =
    'Do what the message says: give a period such as 30d or 12h (at most RETENTION_DAYS back), name a stored label, or wait for the running reclassify run (`tidings status` shows it) and ask again.';

  constructor(
    message: string,
    fix: string,
    /** Refused only because another reclassify run is in progress (a 409, not a 400). */
    readonly busy = false,
  ) {
    super(ReclassifyRequestError.code, message, { fix });
  }
}
