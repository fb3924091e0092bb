import { TidingsError } from '@tidings/shared';

/** Other changes to the same subscriptions kept landing between this one's read and its write. */
export class SubscriptionsBusyError extends TidingsError {
  constructor(what: string, attempts: number) {
    super(
      'TIDINGS_SUBSCRIPTIONS_BUSY',
      `${what}: the subscriptions changed under it ${attempts} times in a row, so nothing was written`,
      { fix: 'try again; if it keeps happening, look for a program writing subscriptions in a loop' },
    );
  }
}
