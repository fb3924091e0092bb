import { TidingsError } from '@tidings/shared';

export class UnknownTopicError extends TidingsError {
  static readonly code = 'TIDINGS_UNKNOWN_TOPIC';
  static readonly meaning =
    'A subscription named a topic that is not one of the configured labels (LABELS); nothing was saved.';
  static readonly fix =
    'Choose among the configured labels (the message lists them), or write the topic in ownTopics as one of your own.';

  constructor(topics: string[], labels: string[]) {
    super(UnknownTopicError.code, `no topic ${topics.map((t) => `'${t}'`).join(', ')}`, {
      fix: `choose among the configured labels: ${labels.join(', ')}`,
    });
  }
}
