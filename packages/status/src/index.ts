export { findProblems, type ProblemInputs } from './find-problems.js';
export { isSuccessfulRun, judgeFreshness } from './freshness.js';
export { readStackStatus, type StatusSources } from './read-stack-status.js';
