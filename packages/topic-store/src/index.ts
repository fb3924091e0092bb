export { groupByTopic } from './group-topics.js';
export { type StoreKeys, storeKeys } from './keys.js';
export {
  type BadRecord,
  type DigestQuery,
  type Page,
  TopicStoreReader,
  type TopicStoreReaderOptions,
} from './topic-store-reader.js';
export { TopicStoreWriter, WRITE_PAGE } from './topic-store-writer.js';
