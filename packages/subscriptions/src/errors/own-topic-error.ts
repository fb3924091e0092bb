import { TidingsError } from '@tidings/shared';

/** An own topic the subscription store will not take: what is wrong with which one, and what to write instead. */
export class OwnTopicError extends TidingsError {
  constructor(where: string, problem: string, fix: string) {
    super('TIDINGS_BAD_OWN_TOPIC', `ownTopics${where}: ${problem}`, { fix });
  }
}
