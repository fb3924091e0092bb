import { z } from 'zod';
import { foldedWords, foldText } from '../api/find-matches.js';
import { type ApiResult, type ErrorBody, refuse } from '../api/result.js';

/** Long enough for any phrase a reader types; every word costs a pass over the index. */
export const SEARCH_LIMITS = {
  maxChars: 200,
  maxTerms: 8,
  defaultLimit: 50,
  maxLimit: 200,
  maxOffset: 10_000,
} as const;

/** One word of the query as the index looks it up. */
export interface SearchTerm {
  /** As typed: what findMatches marks. */
  raw: string;
  /** The term's words, folded; every one but the last is a whole word of the text. */
  words: string[];
  /** The last word may be the start of a longer one (the reader is still typing it). */
  lastIsPrefix: boolean;
  /** A term like "s&p" or "$80": the index only narrows it down, the text decides. */
  needsText: boolean;
}

export interface SearchQuery {
  q: string;
  terms: SearchTerm[];
  limit: number;
  offset: number;
}

/** GET /api/search (and the page's ?q=): the route takes its fields from here too. */
export const SearchQuerySchema = z.strictObject({
  q: z
    .string({ error: 'is required: the words to search for' })
    .trim()
    .min(1, { error: 'must not be empty' })
    .max(SEARCH_LIMITS.maxChars, { error: `must be at most ${SEARCH_LIMITS.maxChars} characters` }),
  limit: z.number().int().min(1).max(SEARCH_LIMITS.maxLimit).default(SEARCH_LIMITS.defaultLimit),
  offset: z.number().int().min(0).max(SEARCH_LIMITS.maxOffset).default(0),
});

function toTerm(raw: string): SearchTerm | undefined {
  const folded = foldText(raw).text;
  const words = foldedWords(folded);
  if (words.length === 0) return undefined;
  return {
    raw,
    words,
    lastIsPrefix: /[\p{L}\p{N}]$/u.test(folded),
    needsText: words.length > 1 || folded !== words[0],
  };
}

/**
 * The query a reader typed, checked: words are split on white space and ANDed; a "word"
 * made only of signs (a dash between words) is ignored. 400 naming the parameter otherwise.
 */
export function parseSearchQuery(input: {
  q?: unknown;
  limit?: unknown;
  offset?: unknown;
}): ApiResult<ErrorBody> | SearchQuery {
  const parsed = SearchQuerySchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return refuse(400, 'Bad Request', `querystring/${issue?.path.join('/') ?? 'q'} ${issue?.message ?? 'is invalid'}`);
  }
  const { q, limit, offset } = parsed.data;
  const terms = new Map<string, SearchTerm>();
  for (const raw of q.split(/\s+/u)) {
    const term = toTerm(raw);
    const key = foldText(raw).text;
    if (term && !terms.has(key)) terms.set(key, term);
  }
  if (terms.size === 0) return refuse(400, 'Bad Request', 'querystring/q must contain a letter or a digit');
  if (terms.size > SEARCH_LIMITS.maxTerms) {
    return refuse(400, 'Bad Request', `querystring/q must have at most ${SEARCH_LIMITS.maxTerms} words`);
  }
  return { q, terms: [...terms.values()], limit, offset };
}

export function isSearchQuery(value: ApiResult<ErrorBody> | SearchQuery): value is SearchQuery {
  return 'terms' in value;
}
