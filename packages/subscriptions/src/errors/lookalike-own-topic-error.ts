import { OwnTopicError } from './own-topic-error.js';

/**
 * An own topic that looks like a shared label without being it: letters of another script
 * that look Latin ("Сrурtо" in Cyrillic), or the label with marks added. The subscriber
 * would believe they follow the label while the classifiers score a copy of it.
 */
export class LookalikeOwnTopicError extends OwnTopicError {
  override readonly code = 'TIDINGS_OWN_TOPIC_LOOKALIKE';

  constructor(where: string, words: string, label: string, differing: string[]) {
    super(
      where,
      `'${words}' imitates the shared label '${label}': it differs from it only in look-alike letters or added marks${differing.length > 0 ? ` (${differing.join(', ')})` : ''}`,
      `subscribe to '${label}' in topics instead, or write words of your own`,
    );
  }
}
