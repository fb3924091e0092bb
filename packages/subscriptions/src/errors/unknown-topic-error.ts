import { TidingsError } from '@tidings/shared';

export class UnknownTopicError extends TidingsError {
  constructor(topics: string[], labels: string[]) {
    super('TIDINGS_UNKNOWN_TOPIC', `no topic ${topics.map((t) => `'${t}'`).join(', ')}`, {
      fix: `choose among the configured labels: ${labels.join(', ')}`,
    });
  }
}
