import { TidingsError } from '@tidings/shared';

/**
 * A classify job's article is missing from its run's article hash, or its record there is no
 * Article: nothing to classify, and retrying cannot bring it back (the "poison article").
 */
export class RunArticleError extends TidingsError {
  static readonly code = 'TIDINGS_RUN_ARTICLE_UNREADABLE';
  static readonly meaning =
    "A classify job's article is missing from its run's articles, or its record there is not an article: there is nothing to classify, so the job fails without retries and the run lists the article as failed.";
  static readonly fix =
    "Usually the run's keys were removed while its jobs waited (a flushed Redis, or another deployment sharing TIDINGS_PREFIX); start the run again, and give each deployment its own prefix.";

  constructor(runId: string, articleId: string, detail: string) {
    super(RunArticleError.code, `article ${articleId} of run ${runId} ${detail}`);
  }
}
