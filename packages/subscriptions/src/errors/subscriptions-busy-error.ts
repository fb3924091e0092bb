import { TidingsError } from '@tidings/shared';

/** Other changes to the same subscriptions kept landing between this one's read and its write. */
export class SubscriptionsBusyError extends TidingsError {
  static readonly code = 'TIDINGS_SUBSCRIPTIONS_BUSY';
  static readonly meaning =
    "Other changes to the same subscriptions kept landing between this change's read and its write, so nothing was written.";
  static readonly fix = 'Try again; if it keeps happening, look for a program writing subscriptions in a loop.';

  constructor(what: string, attempts: number) {
    super(
      SubscriptionsBusyError.code,
      `${what}: the subscriptions changed under it ${attempts} times in a row, so nothing was written`,
      { fix: 'try again; if it keeps happening, look for a program writing subscriptions in a loop' },
    );
  }
}
