/** Redis keys outside BullMQ's own, all under one prefix so deployments can share a server. */
export function redisKeys(prefix: string) {
  return {
    prefix,
    seenArticle: (articleId: string) => `${prefix}:seen:${articleId}`,
    feedValidators: (feedUrl: string) => `${prefix}:feed-validators:${feedUrl}`,
    workerHeartbeat: (workerId: string) => `${prefix}:workers:${workerId}`,
    workerHeartbeatPattern: `${prefix}:workers:*`,
    topicsChannel: `${prefix}:topics`,
    store: {
      article: (articleId: string) => `${prefix}:store:article:${articleId}`,
      articlePattern: `${prefix}:store:article:*`,
      topic: (label: string) => `${prefix}:store:topic:${label}`,
      labels: `${prefix}:store:labels`,
      run: (runId: string) => `${prefix}:store:run:${runId}`,
      runs: `${prefix}:store:runs`,
    },
  };
}
export type RedisKeys = ReturnType<typeof redisKeys>;
