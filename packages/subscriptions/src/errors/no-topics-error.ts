import { TidingsError } from '@tidings/shared';

export class NoTopicsError extends TidingsError {
  constructor(labels: string[]) {
    super('TIDINGS_NO_TOPICS', 'a subscription needs at least one topic', {
      fix: `choose among the labels (${labels.join(', ')}) in topics, or write one of your own in ownTopics`,
    });
  }
}
