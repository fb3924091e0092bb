// Everything the harness offers that works outside vitest: what the fault suite, a plain node
// process, imports. The vitest-bound part (the Redis URL vitest injects) is harness.ts.
export * from './browser.js';
export * from './cli-process.js';
export * from './expected-topics.js';
export * from './fixture-stories.js';
export * from './hub-mirror.js';
export * from './kustomize-build.js';
export * from './paths.js';
export * from './run-flow-fixture.js';
export * from './service-process.js';
export * from './wait.js';
