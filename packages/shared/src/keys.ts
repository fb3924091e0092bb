import { createHash } from 'node:crypto';
import type { RedisConfig } from './redis-config.js';

/**
 * Where tidings' keys live: the prefix (TIDINGS_PREFIX), and whether Redis is a cluster.
 * On one server (or Sentinel) keys keep the names they always had; on a cluster each key
 * that a script, transaction or pipeline touches together with others carries its group's
 * hash tag, so the group sits in one slot (docs/architecture.md, "Redis layout").
 */
export interface KeySpace {
  readonly prefix: string;
  readonly cluster: boolean;
}

/** A key space, or a bare prefix: a single-server key space, as tests and tools pass it. */
export type KeySpaceSource = KeySpace | string;

export function keySpace(source: KeySpaceSource): KeySpace {
  return typeof source === 'string' ? { prefix: source, cluster: false } : source;
}

/**
 * `<prefix>:<name>` on one server; `{<prefix>:<group>}:<name>` on a cluster, so every key of
 * a group hashes to one slot. The prefix is in the tag, so two deployments sharing a cluster
 * spread over different slots.
 */
export function groupedKey(source: KeySpaceSource, group: string, name: string): string {
  const { prefix, cluster } = keySpace(source);
  return cluster ? `{${prefix}:${group}}:${name}` : `${prefix}:${name}`;
}

/**
 * BullMQ's prefix. On a cluster BullMQ needs it hash-tagged, and since a flow adds a parent
 * in "aggregate" and children in "read-feed" and "classify" in one script, every queue shares
 * the one tag `{<prefix>}`.
 */
export function queuePrefix(source: KeySpaceSource): string {
  const { prefix, cluster } = keySpace(source);
  return cluster ? `{${prefix}}` : prefix;
}

/**
 * Redis keys that more than one service reads or writes. Keys private to one package live in
 * that package (the topic store's in packages/topic-store), built the same way.
 */
export function redisKeys(source: KeySpaceSource) {
  const space = keySpace(source);
  const { prefix } = space;
  const runKey = (runId: string, name: string) => groupedKey(space, `run:${runId}`, `${name}:${runId}`);
  return {
    prefix,
    /** Every seen claim in one group: a chunk of a feed is claimed (and released) in one script. */
    seenArticle: (articleId: string) => groupedKey(space, 'seen', `seen:${articleId}`),
    // Hashed: a feed URL may carry credentials, and key names show up in SCAN, MONITOR and Redis tools.
    feedCacheHeaders: (feedUrl: string) =>
      `${prefix}:feed-validators:${createHash('sha256').update(feedUrl).digest('hex').slice(0, 32)}`,
    /** A run's articles (id → Article JSON), written by its read-feed jobs, read by the aggregator. */
    runArticles: (runId: string) => runKey(runId, 'run-articles'),
    /** A run's feed reports (read-feed index → FeedReport JSON), written as each feed is read. */
    runFeeds: (runId: string) => runKey(runId, 'run-feeds'),
    /**
     * Near-duplicate index of the stories first seen in one time bucket (STORY_WINDOW_HOURS
     * long): hash of LSH band → story id, story id → owning run and signature, article id →
     * its story. Written by the loader's story claim only, which reads two buckets at once.
     */
    storyIndex: (bucket: number) => groupedKey(space, 'stories', `story-index:${bucket}`),
    /**
     * A story's sources (JSON list, the story's own article first), read by the topic store
     * together with the story's stored article, so on a cluster it is in the store's group.
     */
    storySources: (storyId: string) => groupedKey(space, 'store', `story-sources:${storyId}`),
    /** A feed host's readers (leases) and when it may next be asked: taken in one script. */
    feedHostReaders: (host: string) => groupedKey(space, `feed-host:${host}`, `feed-host:${host}:readers`),
    feedHostNext: (host: string) => groupedKey(space, `feed-host:${host}`, `feed-host:${host}:next`),
    /** A delivery destination's (host and port) senders and next allowed start, taken like a feed host's. */
    notifyHostSenders: (host: string) => groupedKey(space, `notify-host:${host}`, `notify-host:${host}:senders`),
    notifyHostNext: (host: string) => groupedKey(space, `notify-host:${host}`, `notify-host:${host}:next`),
    /** The own topics one dashboard client made new in its OWN_TOPICS_PER_CLIENT window: one key, one slot. */
    ownTopicClaims: (client: string) => groupedKey(space, `own-topic-claims:${client}`, `own-topic-claims:${client}`),
    workerHeartbeat: (workerId: string) => groupedKey(space, 'workers', `workers:${workerId}`),
    /** Ids of the heartbeats that may be live (each expires on its own; readers drop the dead). */
    workerIndex: groupedKey(space, 'workers', 'worker-index'),
    topicsChannel: `${prefix}:topics`,
    /** A problem a process recorded before giving up (e.g. a classifier whose model will not load). */
    problem: (id: string) => groupedKey(space, 'problems', `problems:${id}`),
    problemIndex: groupedKey(space, 'problems', 'problem-index'),
    /**
     * Hash: the daily schedule as the loaders keep it (cron, time zone, catch-up age, freshness
     * grace), when they began to track it and the newest due time a run was started for,
     * written by the loaders, read by status for the freshness check.
     */
    schedule: groupedKey(space, 'schedule', 'schedule'),
    /**
     * Every own topic some subscription has: id → the words the model is asked about. Written
     * by the subscription store's script in the same step as the record that names the topic
     * (and the topic's subscriber set), so on a cluster it is in the subscriptions' group.
     */
    ownTopics: groupedKey(space, 'subscriptions', 'own-topics'),
    /** Every classifier version that classified something: id → ClassifierVersion JSON. */
    classifierVersions: `${prefix}:classifier-versions`,
    /** The id of the version the most recently started classifier runs. */
    currentClassifierVersion: `${prefix}:classifier-version`,
    /** The reclassify run in progress, if any: one at a time (set NX by the request, cleared when written). */
    reclassifyActive: `${prefix}:reclassify-active`,
    /** A reclassify run's article ids, fixed when its selection is first read, so a resumed run adds the same ones. */
    reclassifyIds: (runId: string) => runKey(runId, 'reclassify-ids'),
    /** The subscriptions that have one own topic; when none is left, the topic is dropped. */
    ownTopicSubscribers: (topicId: string) => groupedKey(space, 'subscriptions', `own-topic-subscribers:${topicId}`),
  };
}
export type RedisKeys = ReturnType<typeof redisKeys>;

/** The key space a configuration names: a cluster when REDIS_CLUSTER_NODES is set. Built once per process. */
export function keySpaceOf(config: { prefix: string; redis: Pick<RedisConfig, 'kind'> }): KeySpace {
  return { prefix: config.prefix, cluster: config.redis.kind === 'cluster' };
}

/** The key space behind a BullMQ prefix that queuePrefix made: what a queue's own options say. */
export function keySpaceOfQueue(prefix: string): KeySpace {
  const tagged = /^\{(.+)\}$/.exec(prefix);
  return tagged?.[1] ? { prefix: tagged[1], cluster: true } : { prefix, cluster: false };
}
