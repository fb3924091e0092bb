import { ownTopicKey, ownTopicWords } from '@tidings/shared';
import { OwnTopicError } from './errors/own-topic-error.js';

export interface OwnTopicLimits {
  /** OWN_TOPIC_MAX_CHARS */
  maxChars: number;
  /** OWN_TOPICS_PER_SUBSCRIBER */
  perSubscriber: number;
  /** OWN_TOPICS_MAX: distinct own topics across every subscription. */
  ceiling: number;
}

export const DEFAULT_OWN_TOPIC_LIMITS: OwnTopicLimits = { maxChars: 80, perSubscriber: 10, ceiling: 200 };

// Letters and digits in any script, spaces, and the punctuation names of things use
// ("S&P 500", "AI/ML", "U.S.", "Q3-earnings", "$TSLA"); nothing that is markup or a placeholder.
const PLAIN_WORDS = /^[\p{L}\p{N}][\p{L}\p{N}\p{M} '’&.,:;!?+\-/$%#()]*$/u;

/**
 * A subscriber's own topics as they are kept: spaces collapsed, duplicates (case and spaces
 * aside) dropped, each plain words within the limits and none a shared label. The words
 * become an NLI hypothesis through HYPOTHESIS_TEMPLATE, so braces (its placeholder) and
 * markup are refused rather than escaped: they are never what a reader meant.
 */
export function checkOwnTopics(topics: string[], labels: string[], limits: OwnTopicLimits): string[] {
  const kept = new Map<string, string>();
  const labelKeys = new Map(labels.map((l) => [ownTopicKey(l), l]));
  topics.forEach((raw, i) => {
    const where = `[${i}]`;
    const words = ownTopicWords(raw);
    if (words === '')
      throw new OwnTopicError(where, 'is empty', 'write a few words, e.g. "electric vehicles", or leave it out');
    if (words.length > limits.maxChars)
      throw new OwnTopicError(
        where,
        `is ${words.length} characters long; at most ${limits.maxChars} (OWN_TOPIC_MAX_CHARS)`,
        'write the topic in a few words, as you would name a folder',
      );
    if (/[{}]/.test(words))
      throw new OwnTopicError(
        where,
        'contains { or }, which the hypothesis template uses as its placeholder',
        'write plain words without braces',
      );
    if (/[<>]/.test(words))
      throw new OwnTopicError(where, 'contains < or >: markup is not a topic', 'write plain words without tags');
    if (!PLAIN_WORDS.test(words))
      throw new OwnTopicError(
        where,
        `'${words.slice(0, 40)}' is not plain words`,
        "start with a letter or digit and use only letters, digits, spaces and & . , : ; ! ? + - / $ % # ( ) '",
      );
    const label = labelKeys.get(ownTopicKey(words));
    if (label !== undefined)
      throw new OwnTopicError(
        where,
        `'${words}' is the shared label '${label}'`,
        `choose '${label}' in topics instead`,
      );
    if (!kept.has(ownTopicKey(words))) kept.set(ownTopicKey(words), words);
  });
  if (kept.size > limits.perSubscriber)
    throw new OwnTopicError(
      '',
      `${kept.size} own topics; a subscription may have at most ${limits.perSubscriber} (OWN_TOPICS_PER_SUBSCRIBER)`,
      'keep the ones you read most',
    );
  return [...kept.values()];
}
