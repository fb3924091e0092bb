/** The topic store's keys; only this package reads or writes them. */
export function storeKeys(prefix: string) {
  return {
    article: (articleId: string) => `${prefix}:store:article:${articleId}`,
    topic: (label: string) => `${prefix}:store:topic:${label}`,
    labels: `${prefix}:store:labels`,
    run: (runId: string) => `${prefix}:store:run:${runId}`,
    /** A run's record without its topic groups: what lists of runs read. */
    runSummary: (runId: string) => `${prefix}:store:run-summary:${runId}`,
    /** Ids of every article a run wrote (its record keeps only the newest of each topic). */
    runArticles: (runId: string) => `${prefix}:store:run-articles:${runId}`,
    runs: `${prefix}:store:runs`,
  };
}
export type StoreKeys = ReturnType<typeof storeKeys>;
