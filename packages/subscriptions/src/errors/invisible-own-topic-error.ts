import { OwnTopicError } from './own-topic-error.js';

/**
 * An own topic holding characters nobody sees (zero-width spaces, Hangul fillers, variation
 * selectors, tags) or that control text (bidi overrides, C0/C1 controls): they make a topic
 * look empty, or like another one, without being either.
 */
export class InvisibleOwnTopicError extends OwnTopicError {
  override readonly code = 'TIDINGS_OWN_TOPIC_INVISIBLE';

  constructor(where: string, codePoints: string[]) {
    super(
      where,
      `contains invisible or control characters (${codePoints.join(', ')}), which hide what the topic says`,
      'type the topic again in plain letters; text pasted from a document or a chat can carry such characters',
    );
  }
}
