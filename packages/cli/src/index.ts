export { formatTopicGroups } from './format-digest.js';
export { formatLogLine } from './format-log-line.js';
export { formatProgress, ProgressDisplay, readRunProgress } from './run-progress.js';
export { startStack } from './start.js';
export { Supervisor } from './supervisor.js';
export { waitForRun } from './wait-for-run.js';
