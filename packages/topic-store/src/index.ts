export { applyReclassifyRun } from './apply-reclassify.js';
export { ReclassifyApplyError } from './errors/reclassify-apply-error.js';
export { groupByTopic } from './group-topics.js';
export { type StoreKeys, storeKeys } from './keys.js';
export {
  type OwnTopicMatch,
  OwnTopicMatches,
  RUN_OWN_TOPIC_ARTICLES,
  type RunOwnTopics,
  RunOwnTopicsSchema,
  type ScoredArticle,
} from './own-topic-matches.js';
export { recentWindowStart } from './recent-window.js';
export { ReclassifyReports } from './reclassify-reports.js';
export {
  type BadRecord,
  type DigestQuery,
  type Page,
  TopicStoreReader,
  type TopicStoreReaderOptions,
} from './topic-store-reader.js';
export { TopicStoreWriter, WRITE_PAGE } from './topic-store-writer.js';
