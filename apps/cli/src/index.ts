export { formatTopicGroups } from './format-digest.js';
export { formatLogLine } from './format-log-line.js';
export { DEMO_FEED, DEMO_FEEDS, DEMO_SECOND_FEED, FIXTURES_DIR, ROOT } from './paths.js';
export { formatProgress, ProgressDisplay } from './progress-display.js';
export { serviceEntry, spawnService } from './service-entry.js';
export { type Stack, startStack } from './stack.js';
export { withStackConnection } from './stack-connection.js';
export { Supervisor } from './supervisor.js';
export { waitForRun } from './wait-for-run.js';
