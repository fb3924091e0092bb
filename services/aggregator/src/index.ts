export { type Aggregator, startAggregator } from './aggregator.js';
export { articleIdFromChildKey, buildRun } from './build-run.js';
export { finaliseRun } from './finalise-run.js';
export { groupByTopic } from './group-topics.js';
export { type Snapshot, writeSnapshot } from './snapshot.js';
export { type DigestQuery, type Page, TopicStore } from './topic-store.js';
export { RunWatchdog } from './watchdog.js';
