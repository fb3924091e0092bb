import { TidingsError } from '@tidings/shared';

export class NoTopicsError extends TidingsError {
  static readonly code = 'TIDINGS_NO_TOPICS';
  static readonly meaning =
    'A subscription was asked for without any topic: neither a configured label nor one of its own.';
  static readonly fix =
    'Choose at least one of the labels (the message lists them) in topics, or write a topic in your own words in ownTopics.';

  constructor(labels: string[]) {
    super(NoTopicsError.code, 'a subscription needs at least one topic', {
      fix: `choose among the labels (${labels.join(', ')}) in topics, or write one of your own in ownTopics`,
    });
  }
}
