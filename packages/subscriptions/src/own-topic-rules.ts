import { ownTopicKey, ownTopicWords } from '@tidings/shared';
import { lookalikeForms } from './confusable-skeleton.js';
import { InvisibleOwnTopicError } from './errors/invisible-own-topic-error.js';
import { LookalikeOwnTopicError } from './errors/lookalike-own-topic-error.js';
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

// Characters nobody sees or that steer the text rather than being part of it: every
// Default_Ignorable_Code_Point (zero-width spaces and joiners U+200B..U+200F, U+2060..U+206F,
// U+FEFF, the Hangul fillers U+115F, U+1160, U+3164 and U+FFA0, which are letters to \p{L},
// variation selectors, tags), controls (Cc) and format characters (Cf: bidi overrides such
// as U+202E, soft hyphen). Tabs and line breaks are whitespace: collapsed, not refused.
const HIDDEN = /[\p{Default_Ignorable_Code_Point}\p{Cc}\p{Cf}]/u;
const BREAKS = /[\t\n\v\f\r]/;

const codePoint = (ch: string) => `U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;

/**
 * The hidden characters of `raw` as code points (U+200B), each once, in order; empty when
 * there is none. A character counts if it is hidden or its NFKC form holds one, so the text is
 * judged as normalised while the code points named are the ones the subscriber sent (U+3164,
 * not the U+1160 NFKC makes of it). NFKC works character by character here: composing never
 * makes a hidden character.
 */
function hiddenCodePoints(raw: string): string[] {
  const hidden = [...raw].filter((ch) => !BREAKS.test(ch) && HIDDEN.test(`${ch}${ch.normalize('NFKC')}`));
  return [...new Set(hidden.map(codePoint))];
}

/**
 * A subscriber's own topics as they are kept: NFKC-normalised (fullwidth, ligatures and
 * mathematical letters become plain ones, "e" and a combining acute become "é") before any
 * other rule, spaces collapsed, duplicates (case and spaces aside) dropped, each plain words
 * within the limits, with nothing invisible, and neither a shared label nor a look-alike of
 * one. The words become an NLI hypothesis through HYPOTHESIS_TEMPLATE, so braces (its
 * placeholder) and markup are refused rather than escaped: they are never what a reader meant.
 */
export function checkOwnTopics(topics: string[], labels: string[], limits: OwnTopicLimits): string[] {
  const kept = new Map<string, string>();
  const labelKeys = new Map(labels.map((l) => [ownTopicKey(l), l]));
  const labelForms = new Map(labels.flatMap((l) => lookalikeForms(ownTopicWords(l)).map((form) => [form, l] as const)));
  topics.forEach((raw, i) => {
    const where = `[${i}]`;
    const hidden = hiddenCodePoints(raw);
    if (hidden.length > 0) throw new InvisibleOwnTopicError(where, hidden);
    const words = ownTopicWords(raw.normalize('NFKC'));
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
    const lookalike = lookalikeForms(words)
      .map((form) => labelForms.get(form))
      .find((l) => l !== undefined);
    if (lookalike !== undefined) {
      // Name the characters the label does not have, as the subscriber sent them.
      const inLabel = new Set(ownTopicWords(lookalike).toLowerCase());
      const differing = [...new Set([...words].filter((ch) => !inLabel.has(ch.toLowerCase())).map(codePoint))];
      throw new LookalikeOwnTopicError(where, words, lookalike, differing);
    }
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
