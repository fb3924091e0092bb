import { TidingsError } from '@tidings/shared';

/**
 * A classify job's article is missing from its run's article hash, or its record there is no
 * Article: nothing to classify, and retrying cannot bring it back (the "poison article").
 */
export class RunArticleError extends TidingsError {
  constructor(runId: string, articleId: string, detail: string) {
    super('TIDINGS_RUN_ARTICLE_UNREADABLE', `article ${articleId} of run ${runId} ${detail}`);
  }
}
