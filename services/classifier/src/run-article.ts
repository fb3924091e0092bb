import {
  type Article,
  ArticleSchema,
  type ClassifyJob,
  describeZodError,
  type KeySpace,
  redisKeys,
} from '@tidings/shared';
import { UnrecoverableError } from 'bullmq';
import { RunArticleError } from './errors/run-article-error.js';

/** What reading a run's article needs of a Redis client. */
export interface RunArticleSource {
  hget(key: string, field: string): Promise<string | null>;
}

/**
 * A classify job's article from its record in the run's article hash (null: no record),
 * checked like every job: a record that is missing, not JSON, not an Article or another
 * article's throws RunArticleError saying which.
 */
function parseRunArticle(job: ClassifyJob, record: string | null): Article {
  if (record === null)
    throw new RunArticleError(
      job.runId,
      job.articleId,
      "is not in the run's article hash: the job names an article its run never stored, or a run already written",
    );
  let json: unknown;
  try {
    json = JSON.parse(record);
  } catch {
    throw new RunArticleError(job.runId, job.articleId, "has a record in the run's article hash that is not JSON");
  }
  const parsed = ArticleSchema.safeParse(json);
  if (!parsed.success)
    throw new RunArticleError(
      job.runId,
      job.articleId,
      `has a record in the run's article hash that is not an article: ${describeZodError(parsed.error)}`,
    );
  if (parsed.data.id !== job.articleId)
    throw new RunArticleError(
      job.runId,
      job.articleId,
      `has the record of article ${parsed.data.id} in the run's article hash`,
    );
  return parsed.data;
}

/**
 * Reads a classify job's article from `<p>:run-articles:<run id>`, its only copy during the
 * run (one HGET; the key is in the run's hash-tag group). An unreadable one fails the job at
 * once, unrecoverable, with the reason the run lists among its failures.
 */
export async function readRunArticle(redis: RunArticleSource, space: KeySpace, job: ClassifyJob): Promise<Article> {
  const record = await redis.hget(redisKeys(space).runArticles(job.runId), job.articleId);
  try {
    return parseRunArticle(job, record);
  } catch (err) {
    if (err instanceof RunArticleError) throw new UnrecoverableError(err.message);
    throw err;
  }
}
