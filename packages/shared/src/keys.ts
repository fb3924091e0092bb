import { createHash } from 'node:crypto';

/**
 * Redis keys that more than one service reads or writes, all under one prefix so
 * deployments can share a server. Keys private to one package live in that package
 * (the topic store's in packages/topic-store).
 */
export function redisKeys(prefix: string) {
  return {
    prefix,
    seenArticle: (articleId: string) => `${prefix}:seen:${articleId}`,
    // Hashed: a feed URL may carry credentials, and key names show up in SCAN, MONITOR and Redis tools.
    feedCacheHeaders: (feedUrl: string) =>
      `${prefix}:feed-validators:${createHash('sha256').update(feedUrl).digest('hex').slice(0, 32)}`,
    /** A run's articles (id → Article JSON), written by its read-feed jobs, read by the aggregator. */
    runArticles: (runId: string) => `${prefix}:run-articles:${runId}`,
    /** A run's feed reports (read-feed index → FeedReport JSON), written as each feed is read. */
    runFeeds: (runId: string) => `${prefix}:run-feeds:${runId}`,
    /**
     * Near-duplicate index of the stories first seen in one time bucket (STORY_WINDOW_HOURS
     * long): hash of LSH band → story id, story id → owning run and signature, article id →
     * its story. Written by the loader's story claim only.
     */
    storyIndex: (bucket: number) => `${prefix}:story-index:${bucket}`,
    /** What a bucket number follows in a story index key: the story claim's Lua builds the key. */
    storyIndexPrefix: `${prefix}:story-index:`,
    /** A story's sources (JSON list, the story's own article first), read by the topic store. */
    storySources: (storyId: string) => `${prefix}:story-sources:${storyId}`,
    workerHeartbeat: (workerId: string) => `${prefix}:workers:${workerId}`,
    /** Ids of the heartbeats that may be live (each expires on its own; readers drop the dead). */
    workerIndex: `${prefix}:worker-index`,
    topicsChannel: `${prefix}:topics`,
    /** A problem a process recorded before giving up (e.g. a classifier whose model will not load). */
    problem: (id: string) => `${prefix}:problems:${id}`,
    problemIndex: `${prefix}:problem-index`,
    /** Every own topic some subscription has: id → the words the model is asked about. */
    ownTopics: `${prefix}:own-topics`,
    /** The subscriptions that have one own topic; when none is left, the topic is dropped. */
    ownTopicSubscribers: (topicId: string) => `${prefix}:own-topic-subscribers:${topicId}`,
  };
}
export type RedisKeys = ReturnType<typeof redisKeys>;
