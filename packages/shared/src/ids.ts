import { z } from 'zod';

/**
 * Ids that become Redis keys, BullMQ job ids and file names. One strict pattern each, so no
 * id can carry a path separator, a key separator or a BullMQ job-id separator.
 */
export const RUN_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,99}$/;
/**
 * The loader makes article ids from the first 20 hex digits of a SHA-256 (normalise-article's
 * articleId); the pattern admits any short id of the same safe characters, so tests and
 * other producers can name articles readably.
 */
export const ARTICLE_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

export const RunIdSchema = z.string().regex(RUN_ID_PATTERN, { message: 'not a run id ([A-Za-z0-9_-], at most 100)' });
export const ArticleIdSchema = z
  .string()
  .regex(ARTICLE_ID_PATTERN, { message: 'not an article id ([A-Za-z0-9_-], at most 64)' });
