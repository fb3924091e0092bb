/** The topic store's keys; only this package reads or writes them. */
export function storeKeys(prefix: string) {
  return {
    article: (articleId: string) => `${prefix}:store:article:${articleId}`,
    topic: (label: string) => `${prefix}:store:topic:${label}`,
    labels: `${prefix}:store:labels`,
    run: (runId: string) => `${prefix}:store:run:${runId}`,
    runs: `${prefix}:store:runs`,
  };
}
export type StoreKeys = ReturnType<typeof storeKeys>;
