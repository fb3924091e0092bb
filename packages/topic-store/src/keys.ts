import { groupedKey, type KeySpaceSource } from '@tidings/shared';

/**
 * The topic store's keys; only this package reads or writes them. One group on a cluster: a
 * page of a run's articles (article hashes, topic sets, labels, the run's set) is written in
 * one script that does nothing once the run's record exists, and reads pipeline article
 * hashes with their stories' sources (packages/shared's storySources, in the same group).
 */
export function storeKeys(space: KeySpaceSource) {
  const key = (name: string) => groupedKey(space, 'store', `store:${name}`);
  return {
    article: (articleId: string) => key(`article:${articleId}`),
    topic: (label: string) => key(`topic:${label}`),
    labels: key('labels'),
    run: (runId: string) => key(`run:${runId}`),
    /** A run's record without its topic groups: what lists of runs read. */
    runSummary: (runId: string) => key(`run-summary:${runId}`),
    /** Ids of every article a run wrote (its record keeps only the newest of each topic). */
    runArticles: (runId: string) => key(`run-articles:${runId}`),
    runs: key('runs'),
    /** A reclassify run's report (ReclassifyReport JSON), and every report by when it finished. */
    reclassifyReport: (runId: string) => key(`reclassify-report:${runId}`),
    reclassifyReports: key('reclassify-reports'),
    /** What a reclassify run found per article (id → ReclassifiedArticle JSON), until it is applied. */
    reclassifyResults: (runId: string) => key(`reclassify-results:${runId}`),
    /** Set once a reclassify run is applied: every later apply of it writes nothing. */
    reclassifyApplied: (runId: string) => key(`reclassify-applied:${runId}`),
    /** Ids of the articles an apply wrote (the set the write script keeps, like a run's). */
    reclassifyWritten: (runId: string) => key(`reclassify-written:${runId}`),
  };
}
export type StoreKeys = ReturnType<typeof storeKeys>;

/**
 * OwnTopicMatches' keys, in the store's group: they are named and pruned as part of the
 * store, and a topic's matches, scores and backfilled set are written in one pipeline.
 */
export function ownTopicMatchKeys(space: KeySpaceSource) {
  const key = (name: string) => groupedKey(space, 'store', `store:${name}`);
  return {
    /** Ids of the own topics that have stored matches or scores: what prune walks. */
    topics: key('own-topic-ids'),
    /** An own topic's matching articles, scored by their publication time (ms). */
    matches: (topicId: string) => key(`own-topic:${topicId}`),
    /** Article id → the topic's score: each match's, and every article its backfill scored. */
    scores: (topicId: string) => key(`own-topic-scores:${topicId}`),
    /** The articles the topic's backfill scored (matching or not), by publication time: pruned with them. */
    backfilled: (topicId: string) => key(`own-topic-backfilled:${topicId}`),
    /** A run's own-topic record (RunOwnTopics JSON). */
    run: (runId: string) => key(`own-run:${runId}`),
  };
}
