import { TidingsError } from '@tidings/shared';

/** An own topic the subscription store will not take: what is wrong with which one, and what to write instead. */
export class OwnTopicError extends TidingsError {
  static readonly code = 'TIDINGS_BAD_OWN_TOPIC';
  static readonly meaning =
    'An own topic the subscription store will not take (empty, too long, repeated, too many of them, or too like another); the message names which one and why, and nothing was saved.';
  static readonly fix = 'Rewrite that topic as the message says.';

  constructor(where: string, problem: string, fix: string) {
    super(OwnTopicError.code, `ownTopics${where}: ${problem}`, { fix });
  }
}
